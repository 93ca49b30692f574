using Microsoft.ML.MissingModality.Data;

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
    private readonly ReferencedRows? _referenced;
    private float[]? _visual;

    /// <param name="capacity">Rows the batch holds.</param>
    /// <param name="audioLength">Values of one row's audio.</param>
    /// <param name="visualLength">Values of one row's visual features.</param>
    /// <param name="questionLength">Tokens per question, or the question vector's size.</param>
    /// <param name="questionIsTokens">Whether questions are tokens (else vectors).</param>
    /// <param name="hasRecalled">Room for a recalled pair.</param>
    /// <param name="hasEnhanced">Room for the enhanced pairs.</param>
    /// <param name="referenceVisualRows">
    /// Let the filler reference visual rows where the dataset reader decoded them (<see cref="ReferenceVisualRow"/>)
    /// instead of copying them: a consumer that reads <see cref="VisualRows"/> moves each map once less through memory
    /// (4 MB a row at MUSIC-AVQA's shapes), and <see cref="Visual"/> is then allocated only when something reads it.
    /// </param>
    public TrainingBatch(int capacity, int audioLength, int visualLength, int questionLength, bool questionIsTokens, bool hasRecalled = false, bool hasEnhanced = false,
        bool referenceVisualRows = false)
    {
        Capacity = capacity;
        AudioLength = audioLength;
        VisualLength = visualLength;
        QuestionLength = questionLength;
        Audio = new float[capacity * audioLength];
        if (referenceVisualRows)
            _referenced = new ReferencedRows(capacity, visualLength);
        else
            _visual = new float[capacity * visualLength];
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
        FeatureBytes = sizeof(float) * ((long)Audio.Length + (long)capacity * visualLength + (RecalledAudio?.Length ?? 0) + (RecalledVisual?.Length ?? 0)
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

    /// <summary>
    /// The real visual features; zeros where <see cref="VisualMissing"/>. Where rows were referenced in place, reading
    /// this copies them in first, on the thread that reads it.
    /// </summary>
    public float[] Visual
    {
        get
        {
            _referenced?.CopyInto(OwnVisual, Count);
            return OwnVisual;
        }
    }

    private float[] OwnVisual => _visual ??= new float[Capacity * VisualLength];

    /// <summary>Whether the filler may reference visual rows in place (see the constructor).</summary>
    public bool ReferencesVisualRows => _referenced is not null;

    /// <summary>
    /// Each filled row's visual features, <see cref="Count"/> of them, wherever they are (in place in the reader's
    /// decoded groups, or in <see cref="Visual"/>); null unless <see cref="ReferencesVisualRows"/>. Valid until the
    /// batch is filled again or <see cref="ReleaseRows"/> is called.
    /// </summary>
    public ArraySegment<ReadOnlyMemory<float>>? VisualRows => _referenced?.First(Count);

    /// <summary>Slot <paramref name="slot"/>'s visual row in this batch's own array, for the filler to write (then referenced as such).</summary>
    public Span<float> OwnVisualRow(int slot)
    {
        var row = OwnVisual.AsMemory(slot * VisualLength, VisualLength);
        _referenced?.SetOwn(slot, row);
        return row.Span;
    }

    /// <summary>Marks slot <paramref name="slot"/>'s visual row as zeros (a missing modality).</summary>
    public void ZeroVisualRow(int slot)
    {
        if (_referenced is null)
            OwnVisualRow(slot).Clear();
        else
            _referenced.SetZeros(slot);
    }

    /// <summary>
    /// Takes slot <paramref name="slot"/>'s visual row in place, and with it the lease on <paramref name="owner"/>
    /// that keeps the row's values unchanged until <see cref="ReleaseRows"/>.
    /// </summary>
    public void ReferenceVisualRow(int slot, ReadOnlyMemory<float> row, DecodedVideoGroup owner)
    {
        if (_referenced is null)
        {
            owner.ReleaseLease();
            throw new InvalidOperationException("This batch copies its visual rows; it was not made to reference them.");
        }
        _referenced.SetLeased(slot, row, owner);
    }

    /// <summary>
    /// Ends the leases of the rows referenced in place (a batch about to be refilled, or handed back): from here on the
    /// batch's visual rows are undefined until it is filled again.
    /// </summary>
    public void ReleaseRows() => _referenced?.Release();

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
