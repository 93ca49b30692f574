using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// The diffusion step as a feature <c>[N, width]</c>: sinusoids of the step at geometrically spaced frequencies (the
/// Transformer's position code, as DDPM uses it) followed by a two-layer MLP.
/// </summary>
internal sealed class StepEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Linear first;
    private readonly Linear second;
    private readonly int _width;

    public StepEmbedding(int width) : base(nameof(StepEmbedding))
    {
        _width = width;
        first = nn.Linear(width, width);
        second = nn.Linear(width, width);
        RegisterComponents();
    }

    /// <param name="steps">Timesteps <c>[N]</c> (int64).</param>
    public override Tensor forward(Tensor steps)
    {
        using var scope = NewDisposeScope();
        int half = _width / 2;
        using Scalar start = 0, end = half, by = 1;
        var frequencies = exp(arange(start, end, by, dtype: ScalarType.Float32, device: steps.device).Times(-Math.Log(10000) / half));
        var angles = steps.to_type(ScalarType.Float32).unsqueeze(1) * frequencies.unsqueeze(0);
        var code = cat([sin(angles), cos(angles)], 1);
        return second.forward(nn.functional.silu(first.forward(code))).MoveToOuterDisposeScope();
    }
}
