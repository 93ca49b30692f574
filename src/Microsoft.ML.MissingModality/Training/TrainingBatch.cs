namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// One batch of AVQA rows as flat arrays, reused from batch to batch (capacity fixed, <see cref="Count"/> rows
/// filled). Audio and visual rows are the dataset's row-major <c>[T, A]</c> and <c>[T, C, H, W]</c> layouts. Every
/// component reads the roles it needs: the real pair (zeros where missing), the missing flags, the recalled pair
/// when an upstream recaller produced one, the enhanced pairs when an AVR diffusion produced them, the question, the
/// answer and the video.
/// </summary>
internal sealed class TrainingBatch
{
    public TrainingBatch(int capacity, int audioLength, int visualLength, int questionLength, bool questionIsTokens, bool hasRecalled = false, bool hasEnhanced = false)
    {
        Capacity = capacity;
        AudioLength = audioLength;
        VisualLength = visualLength;
        QuestionLength = questionLength;
        Audio = new float[capacity * audioLength];
        Visual = new float[capacity * visualLength];
        RecalledAudio = hasRecalled ? new float[capacity * audioLength] : null;
        RecalledVisual = hasRecalled ? new float[capacity * visualLength] : null;
        if (hasEnhanced)
        {
            EnhancedRecalledAudio = new float[capacity * audioLength];
            EnhancedVisualWithRecalledAudio = new float[capacity * visualLength];
            EnhancedAudioWithRecalledVisual = new float[capacity * audioLength];
            EnhancedRecalledVisual = new float[capacity * visualLength];
        }
        AudioMissing = new bool[capacity];
        VisualMissing = new bool[capacity];
        Tokens = questionIsTokens ? new long[capacity * questionLength] : null;
        QuestionVector = questionIsTokens ? null : new float[capacity * questionLength];
        Labels = new long[capacity];
        VideoKeys = new long[capacity];
        FeatureBytes = sizeof(float) * ((long)Audio.Length + Visual.Length + (RecalledAudio?.Length ?? 0) + (RecalledVisual?.Length ?? 0)
            + (EnhancedRecalledAudio?.Length ?? 0) + (EnhancedVisualWithRecalledAudio?.Length ?? 0)
            + (EnhancedAudioWithRecalledVisual?.Length ?? 0) + (EnhancedRecalledVisual?.Length ?? 0));
    }

    /// <summary>Bytes of the feature arrays at full capacity (what a step on this batch moves through the network).</summary>
    public long FeatureBytes { get; }

    public int Capacity { get; }

    public int AudioLength { get; }

    public int VisualLength { get; }

    /// <summary>Tokens per question (padded with 0), or the question vector's size.</summary>
    public int QuestionLength { get; }

    /// <summary>Rows filled, 1..Capacity.</summary>
    public int Count { get; set; }

    /// <summary>
    /// Whether the optimiser steps after this batch. A source that fills a training batch in chunks (rows too large
    /// to hold a whole batch of them) marks only the last chunk of each batch; the loop accumulates the chunks'
    /// gradients until then. True for a batch that is whole.
    /// </summary>
    public bool EndsStep { get; set; } = true;

    /// <summary>The real audio; zeros where <see cref="AudioMissing"/>.</summary>
    public float[] Audio { get; }

    /// <summary>The real visual features; zeros where <see cref="VisualMissing"/>.</summary>
    public float[] Visual { get; }

    /// <summary>Audio recalled from the other modality (zeros where it could not be recalled), or null without a recaller.</summary>
    public float[]? RecalledAudio { get; }

    /// <summary>Visual features recalled from the other modality, or null without a recaller.</summary>
    public float[]? RecalledVisual { get; }

    /// <summary>The enhanced pair built from the recalled audio and the real picture: its audio part (null without AVR).</summary>
    public float[]? EnhancedRecalledAudio { get; }

    /// <summary>The enhanced pair built from the recalled audio and the real picture: its visual part.</summary>
    public float[]? EnhancedVisualWithRecalledAudio { get; }

    /// <summary>The enhanced pair built from the real audio and the recalled picture: its audio part.</summary>
    public float[]? EnhancedAudioWithRecalledVisual { get; }

    /// <summary>The enhanced pair built from the real audio and the recalled picture: its visual part.</summary>
    public float[]? EnhancedRecalledVisual { get; }

    /// <summary>
    /// What a row without its audio is answered from: the enhanced pair of (recalled audio, real picture) after an AVR
    /// diffusion, else the recalled audio with the real picture. Null without a recaller.
    /// </summary>
    public (float[] Audio, float[] Visual)? AudioMissingPair =>
        EnhancedRecalledAudio is not null ? (EnhancedRecalledAudio, EnhancedVisualWithRecalledAudio!)
        : RecalledAudio is not null ? (RecalledAudio, Visual) : null;

    /// <summary>What a row without its picture is answered from: the enhanced (real audio, recalled picture), else that pair as it is.</summary>
    public (float[] Audio, float[] Visual)? VisualMissingPair =>
        EnhancedRecalledVisual is not null ? (EnhancedAudioWithRecalledVisual!, EnhancedRecalledVisual)
        : RecalledVisual is not null ? (Audio, RecalledVisual) : null;

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
    /// Where one modality is missing, puts the pair it is answered from (<see cref="AudioMissingPair"/> or
    /// <see cref="VisualMissingPair"/>) in the real slots. Rows missing both, or rows without a recaller, are left as
    /// they are.
    /// </summary>
    public void SubstituteRecalledForMissing()
    {
        if (AudioMissingPair is not { } audioMissing || VisualMissingPair is not { } visualMissing)
            return;
        for (int i = 0; i < Count; i++)
        {
            if (AudioMissing[i] && !VisualMissing[i])
                CopyPair(audioMissing, i);
            else if (VisualMissing[i] && !AudioMissing[i])
                CopyPair(visualMissing, i);
        }
    }

    private void CopyPair((float[] Audio, float[] Visual) pair, int row)
    {
        if (!ReferenceEquals(pair.Audio, Audio))
            pair.Audio.AsSpan(row * AudioLength, AudioLength).CopyTo(Audio.AsSpan(row * AudioLength, AudioLength));
        if (!ReferenceEquals(pair.Visual, Visual))
            pair.Visual.AsSpan(row * VisualLength, VisualLength).CopyTo(Visual.AsSpan(row * VisualLength, VisualLength));
    }
}
