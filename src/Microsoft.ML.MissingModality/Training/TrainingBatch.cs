namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// One batch of AVQA rows as flat arrays, reused from batch to batch (capacity fixed, <see cref="Count"/> rows
/// filled). Audio and visual rows are the dataset's row-major <c>[T, A]</c> and <c>[T, C, H, W]</c> layouts.
/// </summary>
internal sealed class TrainingBatch
{
    public TrainingBatch(int capacity, int audioLength, int visualLength, int questionLength, bool questionIsTokens)
    {
        Capacity = capacity;
        AudioLength = audioLength;
        VisualLength = visualLength;
        QuestionLength = questionLength;
        Audio = new float[capacity * audioLength];
        Visual = new float[capacity * visualLength];
        Tokens = questionIsTokens ? new long[capacity * questionLength] : null;
        QuestionVector = questionIsTokens ? null : new float[capacity * questionLength];
        Labels = new long[capacity];
        VideoKeys = new long[capacity];
    }

    public int Capacity { get; }

    public int AudioLength { get; }

    public int VisualLength { get; }

    /// <summary>Tokens per question (padded with 0), or the question vector's size.</summary>
    public int QuestionLength { get; }

    /// <summary>Rows filled, 1..Capacity.</summary>
    public int Count { get; set; }

    public float[] Audio { get; }

    public float[] Visual { get; }

    public long[]? Tokens { get; }

    public float[]? QuestionVector { get; }

    /// <summary>Answer class ids in [0, classes); -1 for a row whose answer is unknown to the model.</summary>
    public long[] Labels { get; }

    /// <summary>
    /// Which video each row shows (equal keys, same video): the matching loss pairs rows only with other videos.
    /// Rows of unknown video get keys of their own.
    /// </summary>
    public long[] VideoKeys { get; }
}
