using Microsoft.ML.MissingModality.Components;

namespace Microsoft.ML.MissingModality.Avr;

/// <summary>
/// Options of <see cref="AvrDiffusion"/>, the paper's audio-visual relation-aware diffusion (Sec. 3.2): a denoising
/// diffusion model of real audio-visual pairs that takes each (recalled, real) pair through its reverse process.
/// Where the paper is silent or our measurements chose otherwise, the default says so.
/// </summary>
public sealed class AvrDiffusionOptions : TorchComponentOptions
{
    /// <summary>Creates the options with the diffusion's defaults.</summary>
    public AvrDiffusionOptions()
    {
        LearningRate = 1e-3;
        Epochs = 20;
    }

    /// <summary>T, the number of diffusion steps.</summary>
    /// <value>Default: 10 (the paper; its Table 6 ablates 5 / 10 / 20).</value>
    public int DiffusionSteps { get; set; } = 10;

    /// <summary>
    /// S, where enhancement starts: with S &gt; 0 the pair is noised to step S and denoised through S steps; with S = 0 no
    /// noise is added and the pair goes through all T reverse steps as if it were pure noise (the public code's
    /// inference; the paper does not say).
    /// </summary>
    /// <value>Default: 1, chosen by measurement (docs/results-v3.md).</value>
    public int StartStep { get; set; } = 1;

    /// <summary>How the noise variances grow over the T steps.</summary>
    /// <value>Default: <see cref="BetaSchedule.Sigmoid"/> (the public code's).</value>
    public BetaSchedule Schedule { get; set; } = BetaSchedule.Sigmoid;

    /// <summary>What the denoiser predicts.</summary>
    /// <value>Default: <see cref="DiffusionPrediction.Noise"/> (the paper's Eq. 7; the public code predicts the velocity).</value>
    public DiffusionPrediction Prediction { get; set; } = DiffusionPrediction.Noise;

    /// <summary>How the reverse process steps.</summary>
    /// <value>Default: <see cref="DiffusionSampler.Ddpm"/> (the paper's Eq. 6), with noise seeded per row.</value>
    public DiffusionSampler Sampler { get; set; } = DiffusionSampler.Ddpm;

    /// <summary>
    /// Clamps each reverse step's estimate of the clean pair to ±this many standard deviations of the training
    /// features (the public code clamps to [−1, 1] in its own units). Null: no clamp.
    /// </summary>
    /// <value>Default: null.</value>
    public double? ClampOriginal { get; set; }

    /// <summary>
    /// Keeps the real part of each pair: after every reverse step it is replaced by the real features noised to that
    /// step, so that the diffusion generates only the recalled part, conditioned on the real one. False denoises both
    /// parts, as the paper does.
    /// </summary>
    /// <value>Default: false (the paper's).</value>
    public bool KeepRealModality { get; set; }

    /// <summary>Channels of the denoiser's hidden maps.</summary>
    /// <value>Default: 64 (the public code's U-Net width). A multiple of 8.</value>
    public int Width { get; set; } = 64;

    /// <summary>Residual blocks of the denoiser.</summary>
    /// <value>Default: 2.</value>
    public int Blocks { get; set; } = 2;

    /// <summary>The recalled audio an upstream recaller wrote.</summary>
    /// <value>Default: <c>"RecalledAudio"</c>.</value>
    public string RecalledAudioColumnName { get; set; } = "RecalledAudio";

    /// <summary>The recalled visual features an upstream recaller wrote.</summary>
    /// <value>Default: <c>"RecalledVisual"</c>.</value>
    public string RecalledVisualColumnName { get; set; } = "RecalledVisual";

    /// <summary>Output: the audio part of the enhanced (recalled audio, real picture) pair.</summary>
    /// <value>Default: <c>"EnhancedRecalledAudio"</c>, which <c>AvqaTrainer</c> reads.</value>
    public string EnhancedRecalledAudioColumnName { get; set; } = EnhancedPairColumns.Default.RecalledAudio;

    /// <summary>Output: the visual part of the enhanced (recalled audio, real picture) pair.</summary>
    /// <value>Default: <c>"EnhancedVisualWithRecalledAudio"</c>.</value>
    public string EnhancedVisualWithRecalledAudioColumnName { get; set; } = EnhancedPairColumns.Default.VisualWithRecalledAudio;

    /// <summary>Output: the audio part of the enhanced (real audio, recalled picture) pair.</summary>
    /// <value>Default: <c>"EnhancedAudioWithRecalledVisual"</c>.</value>
    public string EnhancedAudioWithRecalledVisualColumnName { get; set; } = EnhancedPairColumns.Default.AudioWithRecalledVisual;

    /// <summary>Output: the visual part of the enhanced (real audio, recalled picture) pair.</summary>
    /// <value>Default: <c>"EnhancedRecalledVisual"</c>.</value>
    public string EnhancedRecalledVisualColumnName { get; set; } = EnhancedPairColumns.Default.RecalledVisual;

    internal EnhancedPairColumns EnhancedColumns => new(EnhancedRecalledAudioColumnName, EnhancedVisualWithRecalledAudioColumnName,
        EnhancedAudioWithRecalledVisualColumnName, EnhancedRecalledVisualColumnName);

    /// <summary>The saved config of a diffusion trained with these options on features of the given shapes.</summary>
    internal AvrModelConfig ToModelConfig(int[] audioDimensions, int[] visualDimensions, int noiseSeed) => new()
    {
        AudioDimensions = audioDimensions,
        VisualDimensions = visualDimensions,
        Width = Width,
        Blocks = Blocks,
        DiffusionSteps = DiffusionSteps,
        StartStep = StartStep,
        Schedule = Schedule,
        Prediction = Prediction,
        Sampler = Sampler,
        ClampOriginal = ClampOriginal,
        KeepRealModality = KeepRealModality,
        NoiseSeed = noiseSeed,
    };

    internal override void Validate()
    {
        base.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(DiffusionSteps, 1, nameof(DiffusionSteps));
        if (StartStep < 0 || StartStep > DiffusionSteps)
            throw new ArgumentOutOfRangeException(nameof(StartStep), StartStep, $"Must lie in 0..{nameof(DiffusionSteps)} ({DiffusionSteps}).");
        if (Width < 8 || Width % 8 != 0)
            throw new ArgumentOutOfRangeException(nameof(Width), Width, "Must be a positive multiple of 8.");
        ArgumentOutOfRangeException.ThrowIfLessThan(Blocks, 1, nameof(Blocks));
        if (ClampOriginal is double clamp && !(clamp > 0 && double.IsFinite(clamp)))
            throw new ArgumentOutOfRangeException(nameof(ClampOriginal), clamp, "Must be positive and finite, or null.");
        if (!Enum.IsDefined(Schedule))
            throw new ArgumentOutOfRangeException(nameof(Schedule), Schedule, "Unknown schedule.");
        if (!Enum.IsDefined(Prediction))
            throw new ArgumentOutOfRangeException(nameof(Prediction), Prediction, "Unknown prediction.");
        if (!Enum.IsDefined(Sampler))
            throw new ArgumentOutOfRangeException(nameof(Sampler), Sampler, "Unknown sampler.");
        foreach (string name in EnhancedColumns.All.Append(RecalledAudioColumnName).Append(RecalledVisualColumnName))
            ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(EnhancedColumns));
        if (EnhancedColumns.All.Distinct(StringComparer.Ordinal).Count() != 4)
            throw new ArgumentException("The four enhanced column names must differ.", nameof(EnhancedColumns));
    }

    // The diffusion models audio-visual pairs: it reads no question (QuestionColumnName is unused).
    internal override FeatureColumnNames ColumnNames => base.ColumnNames with
    {
        Question = "",
        RecalledAudio = RecalledAudioColumnName,
        RecalledVisual = RecalledVisualColumnName,
    };
}
