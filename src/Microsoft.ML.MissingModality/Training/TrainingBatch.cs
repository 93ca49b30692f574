namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// One batch of AVQA rows as flat arrays, reused from batch to batch (capacity fixed, <see cref="Count"/> rows
/// filled). Audio and visual rows are the dataset's row-major <c>[T, A]</c> and <c>[T, C, H, W]</c> layouts. Every
/// component reads the roles it needs: the real pair (zeros where missing), the missing flags, the recalled pair
/// when an upstream recaller produced one, the question, the answer and the video.
/// </summary>
internal sealed class TrainingBatch
{
    public TrainingBatch(int capacity, int audioLength, int visualLength, int questionLength, bool questionIsTokens, bool hasRecalled = false)
    {
        Capacity = capacity;
        AudioLength = audioLength;
        VisualLength = visualLength;
        QuestionLength = questionLength;
        Audio = new float[capacity * audioLength];
        Visual = new float[capacity * visualLength];
        RecalledAudio = hasRecalled ? new float[capacity * audioLength] : null;
        RecalledVisual = hasRecalled ? new float[capacity * visualLength] : null;
        AudioMissing = new bool[capacity];
        VisualMissing = new bool[capacity];
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

    /// <summary>The real audio; zeros where <see cref="AudioMissing"/>.</summary>
    public float[] Audio { get; }

    /// <summary>The real visual features; zeros where <see cref="VisualMissing"/>.</summary>
    public float[] Visual { get; }

    /// <summary>Audio recalled from the other modality (zeros where it could not be recalled), or null without a recaller.</summary>
    public float[]? RecalledAudio { get; }

    /// <summary>Visual features recalled from the other modality, or null without a recaller.</summary>
    public float[]? RecalledVisual { get; }

    /// <summary>Whether each row's audio is absent from the source.</summary>
    public bool[] AudioMissing { get; }

    /// <summary>Whether each row's visual stream is absent from the source.</summary>
    public bool[] VisualMissing { get; }

    public long[]? Tokens { get; }

    public float[]? QuestionVector { get; }

    /// <summary>Answer class ids in [0, classes); -1 for a row whose answer is unknown to the model.</summary>
    public long[] Labels { get; }

    /// <summary>
    /// Which video each row shows (equal keys, same video): the matching loss pairs rows only with other videos.
    /// Rows of unknown video get keys of their own.
    /// </summary>
    public long[] VideoKeys { get; }

    /// <summary>
    /// Where a modality is missing and a recalled version exists, puts the recalled features in the real slot: how a
    /// row with a missing stream is answered (recalled audio with the real picture, or the reverse).
    /// </summary>
    public void SubstituteRecalledForMissing()
    {
        if (RecalledAudio is null || RecalledVisual is null)
            return;
        for (int i = 0; i < Count; i++)
        {
            if (AudioMissing[i])
                RecalledAudio.AsSpan(i * AudioLength, AudioLength).CopyTo(Audio.AsSpan(i * AudioLength, AudioLength));
            if (VisualMissing[i])
                RecalledVisual.AsSpan(i * VisualLength, VisualLength).CopyTo(Visual.AsSpan(i * VisualLength, VisualLength));
        }
    }
}
