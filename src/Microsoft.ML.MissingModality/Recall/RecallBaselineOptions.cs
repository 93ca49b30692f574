namespace Microsoft.ML.MissingModality.Recall;

/// <summary>
/// Options of <see cref="RecallBaselineEstimator"/>: the simple recallers that can stand where the RMM generator
/// stands (same inputs, same outputs), fitted in one pass over the rows that have both modalities.
/// </summary>
public sealed class RecallBaselineOptions
{
    /// <summary>How to recall.</summary>
    /// <value>Default: <see cref="RecallMethod.Mean"/>. <see cref="RecallMethod.Rmm"/> is not a baseline: use <c>RmmGenerator</c>.</value>
    public RecallMethod Method { get; set; } = RecallMethod.Mean;

    /// <summary>Audio features with dimensions <c>[T, A]</c>.</summary>
    /// <value>Default: <c>"Audio"</c>.</value>
    public string AudioColumnName { get; set; } = "Audio";

    /// <summary>Visual features with dimensions <c>[T, C, H, W]</c> or <c>[T, C]</c>.</summary>
    /// <value>Default: <c>"Visual"</c>.</value>
    public string VisualColumnName { get; set; } = "Visual";

    /// <summary>Optional Boolean flag: the audio is absent from the source.</summary>
    /// <value>Default: <c>"AudioMissing"</c>.</value>
    public string AudioMissingColumnName { get; set; } = "AudioMissing";

    /// <summary>Optional Boolean flag: the picture is absent from the source.</summary>
    /// <value>Default: <c>"VisualMissing"</c>.</value>
    public string VisualMissingColumnName { get; set; } = "VisualMissing";

    /// <summary>Optional text column naming each row's video: the nearest-neighbour bank keeps one entry per video.</summary>
    /// <value>Default: <c>"VideoId"</c>; without it every row counts as its own video.</value>
    public string VideoIdColumnName { get; set; } = "VideoId";

    /// <summary>The column the recalled audio is written to.</summary>
    /// <value>Default: <c>"RecalledAudio"</c>.</value>
    public string RecalledAudioColumnName { get; set; } = "RecalledAudio";

    /// <summary>The column the recalled visual features are written to.</summary>
    /// <value>Default: <c>"RecalledVisual"</c>.</value>
    public string RecalledVisualColumnName { get; set; } = "RecalledVisual";

    /// <summary>Most videos a nearest-neighbour bank keeps (the first ones seen); each holds both modalities.</summary>
    /// <value>Default: 1,024 (about 4 GB at MUSIC-AVQA's shapes).</value>
    public int NearestNeighbourCapacity { get; set; } = 1024;

    /// <summary>Ridge penalty per training row of the linear recaller.</summary>
    /// <value>Default: 1e-3.</value>
    public double L2Regularization { get; set; } = 1e-3;

    /// <summary>Rows read and recalled per batch.</summary>
    /// <value>Default: 64.</value>
    public int BatchSize { get; set; } = 64;

    internal void Validate()
    {
        foreach (var (name, value) in new[]
        {
            (nameof(AudioColumnName), AudioColumnName), (nameof(VisualColumnName), VisualColumnName),
            (nameof(RecalledAudioColumnName), RecalledAudioColumnName), (nameof(RecalledVisualColumnName), RecalledVisualColumnName),
        })
            ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        if (Method == RecallMethod.Rmm || !Enum.IsDefined(Method))
            throw new ArgumentOutOfRangeException(nameof(Method), Method, "Choose ZeroFill, Mean, NearestNeighbour or Linear; the RMM generator is mlContext.MissingModality().RmmGenerator().");
        ArgumentOutOfRangeException.ThrowIfLessThan(NearestNeighbourCapacity, 1, nameof(NearestNeighbourCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        if (!(L2Regularization > 0) || !double.IsFinite(L2Regularization))
            throw new ArgumentOutOfRangeException(nameof(L2Regularization), L2Regularization, "Must be a positive finite number.");
    }
}
