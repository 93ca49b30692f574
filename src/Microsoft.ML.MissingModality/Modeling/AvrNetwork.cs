using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// The AVR diffusion's trained parts: the <see cref="PairDenoiser"/> and the per-feature standardisation the
/// diffusion runs in (audio per dimension, visual per channel, from the training rows), so that features of any
/// scale meet the unit-variance noise the schedule assumes. Standardisation statistics are buffers: saved with the
/// weights, never trained. No ML.NET types.
/// </summary>
internal sealed class AvrNetwork : nn.Module
{
    private readonly PairDenoiser denoiser;
    private readonly Tensor audioMean;
    private readonly Tensor audioScale;
    private readonly Tensor visualMean;
    private readonly Tensor visualScale;

    public AvrNetwork(AvrConfig config, Generator? generator = null) : base(nameof(AvrNetwork))
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config.Validate();
        denoiser = new PairDenoiser(config);
        audioMean = zeros(config.AudioDim);
        audioScale = ones(config.AudioDim);
        visualMean = zeros(config.VisualChannels);
        visualScale = ones(config.VisualChannels);
        register_buffer(nameof(audioMean), audioMean);
        register_buffer(nameof(audioScale), audioScale);
        register_buffer(nameof(visualMean), visualMean);
        register_buffer(nameof(visualScale), visualScale);
        RegisterComponents();
        if (generator is not null)
            ParameterInitializer.Initialize(denoiser, generator);
    }

    public AvrConfig Config { get; }

    public PairDenoiser Denoiser => denoiser;

    /// <summary>Sets the standardisation: mean and standard deviation per audio dimension <c>[A]</c> and per visual channel <c>[C]</c>.</summary>
    public void SetStandardization((Tensor Mean, Tensor Std) audio, (Tensor Mean, Tensor Std) visual)
    {
        using var _ = no_grad();
        audioMean.copy_(audio.Mean);
        audioScale.copy_(audio.Std.AtLeast(1e-4));
        visualMean.copy_(visual.Mean);
        visualScale.copy_(visual.Std.AtLeast(1e-4));
    }

    /// <summary>Pairs in the diffusion's space (zero mean, unit variance per feature).</summary>
    public (Tensor Audio, Tensor Visual) Standardize(Tensor audio, Tensor visual) =>
        ((audio - audioMean) / audioScale, (visual - MapShaped(visualMean)) / MapShaped(visualScale));

    /// <summary>Pairs back in the features' own space.</summary>
    public (Tensor Audio, Tensor Visual) Restore(Tensor audio, Tensor visual) =>
        ((audio * audioScale).Plus(audioMean), (visual * MapShaped(visualScale)).Plus(MapShaped(visualMean)));

    private static Tensor MapShaped(Tensor perChannel) => perChannel.view(1, -1, 1, 1);
}
