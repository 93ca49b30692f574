using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// An affine map from one modality's features to another's, fitted in closed form by ridge regression: the
/// simplest way to recall a missing modality, and the baseline the slot-memory RMM generator has to beat.
/// </summary>
internal sealed class LinearRecallModel : nn.Module<Tensor, Tensor>
{
    private readonly Linear projection;

    public LinearRecallModel(int inputSize, int outputSize) : base(nameof(LinearRecallModel))
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        projection = nn.Linear(inputSize, outputSize);
        RegisterComponents();
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    /// <summary>Maps a batch <c>[N, InputSize]</c> to <c>[N, OutputSize]</c>.</summary>
    public override Tensor forward(Tensor input) => projection.forward(input);

    /// <summary>
    /// Sets the weights to the ridge solution for rows <paramref name="x"/> <c>[N, in]</c> and targets
    /// <paramref name="y"/> <c>[N, out]</c>: W = (XcᵀXc + λ·N·I)⁻¹ XcᵀYc on centred data, bias = ȳ − x̄W. Solved in
    /// double precision; the penalty is per row so that its strength does not depend on the data set's size.
    /// </summary>
    public void FitRidge(Tensor x, Tensor y, double l2PerRow)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var xd = x.to(float64);
        var yd = y.to(float64);
        var xMean = xd.mean([0], keepdim: true);
        var yMean = yd.mean([0], keepdim: true);
        var xc = xd - xMean;
        var yc = yd - yMean;
        long rows = x.shape[0];
        var gram = xc.t().matmul(xc).Plus(eye(InputSize, dtype: float64, device: x.device).Times(l2PerRow * rows));
        var weight = linalg.solve(gram, xc.t().matmul(yc));          // [in, out]
        var bias = (yMean - xMean.matmul(weight)).squeeze(0);        // [out]
        projection.weight!.copy_(weight.t().to(float32));
        projection.bias!.copy_(bias.to(float32));
    }
}
