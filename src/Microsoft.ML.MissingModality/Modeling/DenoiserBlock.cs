using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// A residual block of the denoiser over the visual maps: norm → SiLU → 3×3 conv, plus the condition (step and
/// audio) as a per-channel shift, then norm → SiLU → 3×3 conv, added back to the input. On pooled features (1 × 1
/// maps) the 3×3 convolutions reduce to their centre weights, a per-segment MLP.
/// </summary>
internal sealed class DenoiserBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly GroupNorm firstNorm;
    private readonly Conv2d firstConv;
    private readonly Linear condition;
    private readonly GroupNorm secondNorm;
    private readonly Conv2d secondConv;

    public DenoiserBlock(int width) : base(nameof(DenoiserBlock))
    {
        firstNorm = nn.GroupNorm(8, width);
        firstConv = nn.Conv2d(width, width, 3, padding: 1);
        condition = nn.Linear(width, width);
        secondNorm = nn.GroupNorm(8, width);
        secondConv = nn.Conv2d(width, width, 3, padding: 1);
        RegisterComponents();
    }

    /// <param name="maps">Hidden maps <c>[N, width, H, W]</c>.</param>
    /// <param name="conditioning">Step and audio feature <c>[N, width]</c>.</param>
    public override Tensor forward(Tensor maps, Tensor conditioning)
    {
        using var scope = NewDisposeScope();
        var h = firstConv.forward(nn.functional.silu(firstNorm.forward(maps)));
        h = h.Plus(condition.forward(nn.functional.silu(conditioning)).unsqueeze(-1).unsqueeze(-1));
        h = secondConv.forward(nn.functional.silu(secondNorm.forward(h)));
        return maps.Plus(h).MoveToOuterDisposeScope();
    }
}
