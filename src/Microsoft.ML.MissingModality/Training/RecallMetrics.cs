using Microsoft.ML.MissingModality.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>How close recalled features are to the real ones, per row: mean squared error and cosine similarity per segment.</summary>
internal static class RecallMetrics
{
    /// <summary>Per row <c>[B]</c>: the mean over segments of the cosine similarity of recalled and real features <c>[B, T, ...]</c>.</summary>
    public static Tensor Cosine(Tensor recalled, Tensor real) =>
        nn.functional.cosine_similarity(recalled.flatten(2), real.flatten(2), dim: 2).mean([1]);

    /// <summary>Per row <c>[B]</c>: the mean squared error over all elements.</summary>
    public static Tensor SquaredError(Tensor recalled, Tensor real) => (recalled - real).Squared().flatten(1).mean([1]);
}
