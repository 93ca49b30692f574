using System.Numerics;
using System.Runtime.InteropServices;
using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// Adam's update of CPU parameters in one pass over their memory: for every element, the moments, the denominator and
/// the weight are computed in registers, instead of libtorch's eight separate operations per parameter (each a native
/// call, a pass over the tensor and, for the denominator, a temporary tensor).
/// </summary>
/// <remarks>
/// The same arithmetic in the same order as <see cref="HeldScalarAdam"/>'s libtorch operations:
/// m ← β1·m + (1 − β1)·g (fused multiply-add, as libtorch's vectorised <c>add_</c> with alpha),
/// v ← β2·v + ((1 − β2)·g)·g, d ← √v / √(1 − β2^t) + ε, w ← w + (−lr / (1 − β1^t))·m / d. Results equal libtorch's
/// up to float rounding (a test pins the difference). Every parameter is cut into chunks that run on the thread pool,
/// so that both cores stream memory; a chunk fetches its spans itself (spans cannot cross threads).
/// </remarks>
internal static class FusedAdamUpdate
{
    private const int ChunkFloats = 1 << 16;

    /// <summary>The per-step coefficients, computed once in double precision and rounded to float as libtorch does.</summary>
    internal readonly record struct Coefficients(float Beta1, float Beta2, float OneMinusBeta1, float OneMinusBeta2,
        float RootBiasCorrection2, float Epsilon, float StepSize);

    /// <summary>One parameter's tensors: the weight, its gradient and its two moment estimates.</summary>
    internal readonly record struct Slot(Tensor Parameter, Tensor Gradient, Tensor FirstMoment, Tensor SecondMoment, Coefficients Coefficients);

    /// <summary>Whether all four tensors can be updated here: CPU, float32, contiguous, the same element count.</summary>
    public static bool Supports(Tensor parameter, Tensor gradient, Tensor firstMoment, Tensor secondMoment)
    {
        long count = parameter.numel();
        foreach (var t in (ReadOnlySpan<Tensor>)[parameter, gradient, firstMoment, secondMoment])
        {
            if (!t.IsPlainFloats() || t.numel() != count)
                return false;
        }
        return true;
    }

    /// <summary>Updates every slot, each cut into chunks spread over the thread pool.</summary>
    public static void Apply(IReadOnlyList<Slot> slots) =>
        TensorMemory.ForEachChunk(slots.Select(s => (int)s.Parameter.numel()).ToArray(), ChunkFloats,
            (slot, start, length) => Update(slots[slot], start, length));

    private static void Update(Slot slot, int start, int length) =>
        Update(Floats(slot.Parameter, start, length), Floats(slot.Gradient, start, length),
            Floats(slot.FirstMoment, start, length), Floats(slot.SecondMoment, start, length), slot.Coefficients);

    private static Span<float> Floats(Tensor tensor, int start, int length) =>
        tensor.Floats().Slice(start, length);

    // The update over spans of equal length.
    private static void Update(Span<float> weight, ReadOnlySpan<float> gradient, Span<float> m, Span<float> v, Coefficients c)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && weight.Length >= Vector<float>.Count)
        {
            var beta1 = new Vector<float>(c.Beta1);
            var beta2 = new Vector<float>(c.Beta2);
            var oneMinusBeta1 = new Vector<float>(c.OneMinusBeta1);
            var oneMinusBeta2 = new Vector<float>(c.OneMinusBeta2);
            var root = new Vector<float>(c.RootBiasCorrection2);
            var epsilon = new Vector<float>(c.Epsilon);
            var stepSize = new Vector<float>(c.StepSize);
            var weights = MemoryMarshal.Cast<float, Vector<float>>(weight);
            var gradients = MemoryMarshal.Cast<float, Vector<float>>(gradient);
            var firsts = MemoryMarshal.Cast<float, Vector<float>>(m);
            var seconds = MemoryMarshal.Cast<float, Vector<float>>(v);
            for (int k = 0; k < weights.Length; k++)
            {
                var g = gradients[k];
                var first = Vector.FusedMultiplyAdd(g, oneMinusBeta1, firsts[k] * beta1);
                var second = seconds[k] * beta2 + oneMinusBeta2 * g * g;
                var denominator = Vector.SquareRoot(second) / root + epsilon;
                weights[k] += stepSize * first / denominator;
                firsts[k] = first;
                seconds[k] = second;
            }
            i = weights.Length * Vector<float>.Count;
        }
        for (; i < weight.Length; i++)
        {
            float g = gradient[i];
            float first = MathF.FusedMultiplyAdd(g, c.OneMinusBeta1, m[i] * c.Beta1);
            float second = v[i] * c.Beta2 + c.OneMinusBeta2 * g * g;
            float denominator = MathF.Sqrt(second) / c.RootBiasCorrection2 + c.Epsilon;
            weight[i] += c.StepSize * first / denominator;
            m[i] = first;
            v[i] = second;
        }
    }
}
