using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// The AVR denoiser ε̂_θ(f_t, t) over one segment's noisy audio-visual pair: the audio <c>[N, A]</c> and the visual map
/// <c>[N, C, H, W]</c> are brought to a common width, the audio (with the step) is added to every position of the map
/// and conditions each residual block, and the prediction is split back into an audio part (from the audio feature
/// and the pooled map) and a visual part (from the map). It knows nothing of noise schedules: the scheduler turns its
/// output into a step. Our design; the public code's is a two-level U-Net with the audio tiled over the map.
/// </summary>
internal sealed class PairDenoiser : nn.Module
{
    private readonly StepEmbedding step;
    private readonly Linear audioIn;
    private readonly Conv2d visualIn;
    private readonly ModuleList<DenoiserBlock> blocks;
    private readonly Linear audioHidden;
    private readonly Linear audioOut;
    private readonly GroupNorm visualNorm;
    private readonly Conv2d visualOut;

    public PairDenoiser(AvrConfig config) : base(nameof(PairDenoiser))
    {
        int width = config.Width;
        step = new StepEmbedding(width);
        audioIn = nn.Linear(config.AudioDim, width);
        visualIn = nn.Conv2d(config.VisualChannels, width, 1);
        blocks = nn.ModuleList(Enumerable.Range(0, config.Blocks).Select(_ => new DenoiserBlock(width)).ToArray());
        audioHidden = nn.Linear(2 * width, width);
        audioOut = nn.Linear(width, config.AudioDim);
        visualNorm = nn.GroupNorm(8, width);
        visualOut = nn.Conv2d(width, config.VisualChannels, 1);
        RegisterComponents();
    }

    /// <summary>The prediction (noise or velocity, as trained) for a batch of noisy pairs at their steps.</summary>
    /// <param name="audio">Noisy audio <c>[N, A]</c>.</param>
    /// <param name="visual">Noisy maps <c>[N, C, H, W]</c>.</param>
    /// <param name="steps">Each pair's step <c>[N]</c> (int64, 0..T−1).</param>
    public (Tensor Audio, Tensor Visual) Predict(Tensor audio, Tensor visual, Tensor steps)
    {
        using var scope = NewDisposeScope();
        var conditioning = step.forward(steps).Plus(audioIn.forward(audio));                  // [N, width]
        var maps = visualIn.forward(visual).Plus(conditioning.unsqueeze(-1).unsqueeze(-1));   // [N, width, H, W]
        foreach (var block in blocks)
            maps = block.forward(maps, conditioning);
        var pooled = maps.mean([2, 3]);
        var audioPrediction = audioOut.forward(nn.functional.silu(audioHidden.forward(nn.functional.silu(cat([conditioning, pooled], 1)))));
        var visualPrediction = visualOut.forward(nn.functional.silu(visualNorm.forward(maps)));
        return (audioPrediction.MoveToOuterDisposeScope(), visualPrediction.MoveToOuterDisposeScope());
    }
}
