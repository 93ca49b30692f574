using System.Globalization;

namespace Microsoft.ML.MissingModality.Scenarios;

/// <summary>
/// A missing-modality test condition: which modality is lost, for what fraction of rows, and how.
/// <c>audio</c> with ratio 1 is the paper's Table 1 "audio missing" setting; mixed ratios are its Fig. 5.
/// </summary>
public sealed record MissingModalityScenario
{
    /// <summary>Creates a scenario; <paramref name="ratio"/> must lie in [0, 1].</summary>
    public MissingModalityScenario(MissingModalityKind modality, double ratio = 1.0, CorruptionProtocol protocol = CorruptionProtocol.Remove)
    {
        if (!(ratio >= 0 && ratio <= 1))
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "The missing ratio must lie in [0, 1].");
        if (!Enum.IsDefined(modality))
            throw new ArgumentOutOfRangeException(nameof(modality), modality, "Unknown modality.");
        if (!Enum.IsDefined(protocol))
            throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Unknown protocol.");
        Modality = modality;
        Ratio = modality == MissingModalityKind.None ? 0 : ratio;
        Protocol = protocol;
    }

    /// <summary>Complete inputs.</summary>
    public static MissingModalityScenario None { get; } = new(MissingModalityKind.None, 0);

    /// <summary>The modality taken away.</summary>
    public MissingModalityKind Modality { get; }

    /// <summary>The fraction of rows affected, in [0, 1].</summary>
    public double Ratio { get; }

    /// <summary>How affected rows are corrupted.</summary>
    public CorruptionProtocol Protocol { get; }

    /// <summary>Noise standard deviation for audio under <see cref="CorruptionProtocol.GaussianNoise"/>.</summary>
    /// <value>Default: 0.3, as in the paper's public code.</value>
    public double AudioNoiseStdDev { get; init; } = 0.3;

    /// <summary>Noise standard deviation for visual features under <see cref="CorruptionProtocol.GaussianNoise"/>.</summary>
    /// <value>Default: 0.7, as in the paper's public code.</value>
    public double VisualNoiseStdDev { get; init; } = 0.7;

    /// <summary>
    /// Parses the CLI form: <c>none</c>, <c>audio</c>, <c>visual</c>, <c>either</c>, optionally followed by
    /// <c>:RATIO</c> (default 1), e.g. <c>either:0.3</c>; a trailing <c>+noise</c> selects the noise protocol
    /// (<c>audio:1+noise</c>).
    /// </summary>
    /// <exception cref="FormatException">The text is not of that form.</exception>
    public static MissingModalityScenario Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string body = text.Trim().ToLowerInvariant();
        var protocol = CorruptionProtocol.Remove;
        if (body.EndsWith("+noise", StringComparison.Ordinal))
        {
            protocol = CorruptionProtocol.GaussianNoise;
            body = body[..^"+noise".Length];
        }
        string[] parts = body.Split(':');
        MissingModalityKind? modality = parts[0] switch
        {
            "none" => MissingModalityKind.None,
            "audio" => MissingModalityKind.Audio,
            "visual" => MissingModalityKind.Visual,
            "either" => MissingModalityKind.Either,
            _ => null,
        };
        double ratio = 1;
        bool ratioOk = parts.Length == 1 ||
            (parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out ratio) && ratio is >= 0 and <= 1);
        if (modality is null || !ratioOk)
            throw new FormatException($"'{text}' is not a missing-modality scenario: expected none|audio|visual|either, optionally :RATIO in [0,1] and +noise, e.g. 'either:0.3'.");
        return new MissingModalityScenario(modality.Value, ratio, protocol);
    }

    /// <summary>The CLI form, e.g. <c>either:0.3</c> or <c>audio:1+noise</c>.</summary>
    public override string ToString() =>
        Modality == MissingModalityKind.None ? "none"
        : $"{Modality.ToString().ToLowerInvariant()}:{Ratio.ToString(CultureInfo.InvariantCulture)}{(Protocol == CorruptionProtocol.GaussianNoise ? "+noise" : "")}";
}
