using Microsoft.ML.MissingModality.Components;

namespace Microsoft.ML.MissingModality.Avqa;

/// <summary>
/// Options of <see cref="AvqaTrainer"/>, the AVST answer network. Defaults follow AVST (MUSIC-AVQA, CVPR 2022) and the
/// paper's setting where it states one; column names follow the Parquet dataset reader (<c>AvqaColumns</c>) and the
/// recallers (<c>RmmGenerator</c> and the recall baselines).
/// </summary>
public sealed class AvqaTrainerOptions : TorchComponentOptions
{
    /// <summary>The answer as a key (apply <c>MapValueToKey</c> to the text answer first).</summary>
    /// <value>Default: <c>"Label"</c>.</value>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>
    /// Optional text column naming each row's video. Questions of one video share its features, so the audio-visual
    /// matching loss draws its negative pairs only from other videos; without the column every row counts as its own.
    /// </summary>
    /// <value>Default: <c>"VideoId"</c>; ignored when the data has no such column.</value>
    public string VideoIdColumnName { get; set; } = "VideoId";

    /// <summary>
    /// Audio recalled from the picture and the question by an upstream recaller. When both recalled columns are
    /// present, the answerer trains on the paper's Eq. 8 — real pair, recalled audio with the real picture, real audio
    /// with the recalled picture — and answers a row flagged audio-missing from the recalled audio (visual-missing:
    /// from the recalled picture).
    /// </summary>
    /// <value>Default: <c>"RecalledAudio"</c>; without the column the answerer is AVST alone (a missing modality is fed as zeros).</value>
    public string RecalledAudioColumnName { get; set; } = "RecalledAudio";

    /// <summary>Visual features recalled from the audio and the question; see <see cref="RecalledAudioColumnName"/>.</summary>
    /// <value>Default: <c>"RecalledVisual"</c>.</value>
    public string RecalledVisualColumnName { get; set; } = "RecalledVisual";

    /// <summary>
    /// Whether to read the enhanced pairs of an upstream AVR diffusion (its four default columns) when the input has
    /// them: Eq. 8's recalled terms and the answers to missing-modality rows then use the enhanced pairs.
    /// </summary>
    /// <value>Default: true.</value>
    public bool UseEnhancedPairs { get; set; } = true;

    /// <summary>
    /// The weight of Eq. 8's two recalled terms (recalled audio with the real picture, real audio with the recalled
    /// picture) against the real pair's term; training only, not saved with the model.
    /// </summary>
    /// <value>Default: 1 (Eq. 8 as printed).</value>
    public double RecalledPairLossWeight { get; set; } = 1;

    /// <summary>Width of the hidden features.</summary>
    /// <value>Default: 512 (AVST).</value>
    public int HiddenSize { get; set; } = 512;

    /// <summary>Dropout in the temporal attention blocks.</summary>
    /// <value>Default: 0.1 (AVST).</value>
    public double Dropout { get; set; } = 0.1;

    /// <summary>Weight of the audio-visual matching loss.</summary>
    /// <value>Default: 0.5 (AVST).</value>
    public double MatchingLossWeight { get; set; } = 0.5;

    internal override void Validate()
    {
        base.Validate();
        ArgumentException.ThrowIfNullOrWhiteSpace(LabelColumnName, nameof(LabelColumnName));
        ArgumentOutOfRangeException.ThrowIfLessThan(HiddenSize, 4, nameof(HiddenSize));
        if (!(Dropout >= 0 && Dropout < 1))
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Must lie in [0, 1).");
        if (!(RecalledPairLossWeight >= 0) || !double.IsFinite(RecalledPairLossWeight))
            throw new ArgumentOutOfRangeException(nameof(RecalledPairLossWeight), RecalledPairLossWeight, "Must be a non-negative finite number.");
        if (!(MatchingLossWeight >= 0) || !double.IsFinite(MatchingLossWeight))
            throw new ArgumentOutOfRangeException(nameof(MatchingLossWeight), MatchingLossWeight, "Must be a non-negative finite number.");
    }

    internal override FeatureColumnNames ColumnNames => base.ColumnNames with
    {
        RecalledAudio = RecalledAudioColumnName,
        RecalledVisual = RecalledVisualColumnName,
        Enhanced = UseEnhancedPairs ? EnhancedPairColumns.Default : null,
    };
}
