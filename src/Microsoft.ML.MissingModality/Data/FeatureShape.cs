namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// The per-video feature shapes of a dataset: <c>Segments</c> time steps of audio (<c>[Segments, AudioDim]</c>)
/// and of visual features (<c>[Segments, ..VisualDims]</c>, e.g. <c>[10, 512, 14, 14]</c> for ResNet maps or
/// <c>[10, 512]</c> for pooled features). Vectors are stored flattened in row-major (C) order.
/// </summary>
public sealed record FeatureShape
{
    /// <summary>Creates a shape, validating that every dimension is positive.</summary>
    public FeatureShape(int segments, int audioDim, IReadOnlyList<int> visualDims)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segments, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(audioDim, 1);
        ArgumentNullException.ThrowIfNull(visualDims);
        if (visualDims.Count is < 1 or > 3 || visualDims.Any(d => d < 1))
            throw new ArgumentException(
                $"Visual dimensions per segment must be 1 to 3 positive numbers ([C] or [C,H,W]); got [{string.Join(",", visualDims)}].",
                nameof(visualDims));
        // The sizes usually come from a file: check they make vectors an array can hold before anything is allocated.
        long audio = (long)segments * audioDim;
        long visual = segments;
        foreach (int d in visualDims)
            visual = Math.Min(visual * d, MaxVectorLength + 1L); // both factors ≤ 2^31: no overflow
        if (audio > MaxVectorLength || visual > MaxVectorLength)
            throw new ArgumentException(
                $"A video's features would hold {Math.Max(audio, visual):N0} floats per modality (segments {segments}, audio {audioDim}, visual [{string.Join(",", visualDims)}]); at most {MaxVectorLength:N0} are supported.");
        Segments = segments;
        AudioDim = audioDim;
        VisualDims = visualDims.ToArray();
    }

    /// <summary>The most floats one modality of one video may hold (2^28, 1 GiB; MUSIC-AVQA's maps hold about 10^6).</summary>
    public const int MaxVectorLength = 1 << 28;

    /// <summary>MUSIC-AVQA as the models use it: 10 segments, 128-d VGGish audio, 512×14×14 ResNet-18 maps.</summary>
    public static FeatureShape MusicAvqa { get; } = new(10, 128, [512, 14, 14]);

    /// <summary>Time steps per video.</summary>
    public int Segments { get; }

    /// <summary>Audio feature size per segment (128 for VGGish).</summary>
    public int AudioDim { get; }

    /// <summary>Visual feature dimensions per segment: <c>[C]</c> (pooled) or <c>[C, H, W]</c> (maps).</summary>
    public IReadOnlyList<int> VisualDims { get; }

    /// <summary>Visual channels per segment (the first visual dimension).</summary>
    public int VisualChannels => VisualDims[0];

    /// <summary>Spatial positions per segment (H×W; 1 for pooled features).</summary>
    public int VisualPositions => VisualDims.Count == 3 ? VisualDims[1] * VisualDims[2] : VisualDims.Count == 2 ? VisualDims[1] : 1;

    /// <summary>Full audio shape, <c>[Segments, AudioDim]</c>.</summary>
    public int[] AudioShape => [Segments, AudioDim];

    /// <summary>Full visual shape, <c>[Segments, ..VisualDims]</c>.</summary>
    public int[] VisualShape => [Segments, .. VisualDims];

    /// <summary>Number of floats in one video's flattened audio features.</summary>
    public int AudioLength => Segments * AudioDim;

    /// <summary>Number of floats in one video's flattened visual features.</summary>
    public int VisualLength => Segments * VisualDims.Aggregate(1, (a, b) => a * b);

    /// <inheritdoc/>
    public bool Equals(FeatureShape? other) =>
        other is not null && Segments == other.Segments && AudioDim == other.AudioDim && VisualDims.SequenceEqual(other.VisualDims);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Segments, AudioDim, string.Join(",", VisualDims));

    /// <summary>For example <c>audio [10,128], visual [10,512,14,14]</c>.</summary>
    public override string ToString() =>
        $"audio [{string.Join(",", AudioShape)}], visual [{string.Join(",", VisualShape)}]";
}
