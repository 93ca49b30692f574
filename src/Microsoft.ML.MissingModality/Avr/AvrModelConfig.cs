using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.MissingModality.Diffusion;
using Microsoft.ML.MissingModality.Modeling;

namespace Microsoft.ML.MissingModality.Avr;

/// <summary>
/// Everything that shapes a fitted AVR diffusion — feature shapes, denoiser size, schedule, prediction, sampler,
/// start step and noise seed — saved as JSON in the model zip with a format number, so that a zip written by a newer
/// library fails with a clear message instead of misreading weights.
/// </summary>
internal sealed record AvrModelConfig
{
    public const int CurrentFormat = 1;

    // Properties with a default are settable, not init-only: source-generated JSON (LibraryJson) keeps a default
    // only for a settable property that the JSON leaves out.
    public int Format { get; set; } = CurrentFormat;

    /// <summary>The audio column's dimensions, <c>[T, A]</c>.</summary>
    public required int[] AudioDimensions { get; init; }

    /// <summary>The visual column's dimensions, <c>[T, C, H, W]</c> or <c>[T, C]</c>.</summary>
    public required int[] VisualDimensions { get; init; }

    public int Width { get; set; } = 64;

    public int Blocks { get; set; } = 2;

    public int DiffusionSteps { get; set; } = 10;

    public int StartStep { get; init; }

    public BetaSchedule Schedule { get; set; } = BetaSchedule.Sigmoid;

    public DiffusionPrediction Prediction { get; init; }

    public DiffusionSampler Sampler { get; init; }

    /// <summary>Clamp of each step's clean-pair estimate, in standard deviations; null: none.</summary>
    public double? ClampOriginal { get; init; }

    /// <summary>Whether enhancement keeps the real part of each pair and generates only the recalled part.</summary>
    public bool KeepRealModality { get; init; }

    [JsonIgnore]
    public EnhancementSettings Enhancement => new(StartStep, Sampler, ClampOriginal, KeepRealModality);

    /// <summary>Seeds the per-row enhancement noise (with the row's content), so that Transform is deterministic.</summary>
    public int NoiseSeed { get; init; }

    [JsonIgnore]
    public RecallShape Shape => new(AudioDimensions[0], AudioDimensions[1], VisualDimensions[1],
        VisualDimensions.Length == 4 ? VisualDimensions[2] * VisualDimensions[3] : 1);

    public AvrConfig ToNetworkConfig() => new()
    {
        AudioDim = AudioDimensions[1],
        VisualChannels = VisualDimensions[1],
        VisualHeight = VisualDimensions.Length == 4 ? VisualDimensions[2] : 1,
        VisualWidth = VisualDimensions.Length == 4 ? VisualDimensions[3] : 1,
        Width = Width,
        Blocks = Blocks,
    };

    public DiffusionScheduler CreateScheduler() => new(Schedule, DiffusionSteps);

    public string ToJson() => JsonSerializer.Serialize(this, Internal.LibraryJson.Default.AvrModelConfig);

    public static AvrModelConfig FromJson(string json)
    {
        AvrModelConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(json, Internal.LibraryJson.Default.AvrModelConfig);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The AVR diffusion's saved configuration is not valid: {e.Message}", e);
        }
        if (config is null)
            throw new InvalidDataException("The AVR diffusion's saved configuration is empty.");
        if (config.Format > CurrentFormat)
            throw new InvalidDataException(
                $"This model zip holds an AVR diffusion saved in format {config.Format}; this version of the library reads formats up to {CurrentFormat}. Upgrade Microsoft.ML.MissingModality.");
        if (config.AudioDimensions is not { Length: 2 } || config.VisualDimensions is not { Length: 2 or 4 })
            throw new InvalidDataException("The AVR diffusion's saved configuration has invalid feature dimensions.");
        if (config.StartStep < 0 || config.StartStep > config.DiffusionSteps)
            throw new InvalidDataException($"The AVR diffusion's saved start step {config.StartStep} is outside 0..{config.DiffusionSteps}.");
        return config;
    }
}
