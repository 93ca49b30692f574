using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// The spatial grounding's pooling over CPU maps that take no gradient (features read from data, the common case), as
/// one autograd operation whose forward and backward run <see cref="GroundingKernel"/> over the maps on the thread
/// pool: the map is read from memory twice per training step (once each way) instead of five times.
/// </summary>
/// <remarks>
/// Maps that need a gradient (the joint objective's recalled maps), live on a GPU, or are not contiguous float32 take
/// <see cref="SpatialGrounding"/>'s libtorch path; both agree up to float rounding (tests compare outputs and every
/// gradient).
/// </remarks>
internal static class FusedGrounding
{
    /// <summary>
    /// Whether <paramref name="visual"/> <c>[..., C, P]</c> and the normalised <paramref name="query"/> <c>[..., C]</c>
    /// can be pooled here.
    /// </summary>
    public static bool Supports(Tensor query, Tensor visual) =>
        !visual.requires_grad && visual.IsPlainFloats() && query.device_type == DeviceType.CPU
        && query.dtype == ScalarType.Float32 && visual.dim() >= 2 && query.shape.SequenceEqual(visual.shape[..^1])
        && visual.numel() > 0;

    /// <summary>
    /// <c>[..., 2, C]</c>: the attended vector (index 0) and the map's mean over positions (index 1) of every map, with
    /// the attended vector's gradient flowing to <paramref name="query"/> when it requires one.
    /// </summary>
    public static Tensor Pool(Tensor query, Tensor visual, float floor)
    {
        if (!Supports(query, visual))
            throw new ArgumentException("The fused grounding takes contiguous float32 CPU maps that need no gradient.", nameof(visual));
        if (query.requires_grad && is_grad_enabled())
            return PoolFunction.apply(query, visual, floor);
        using var contiguous = query.contiguous();
        var (pooled, terms) = Forward(contiguous, visual, floor);
        terms.Dispose();
        return pooled;
    }

    // Pools every map: output [N, 2, C], and the norms and softmax weights [N, 2, P] the backward pass reads.
    private static (Tensor Pooled, Tensor PositionTerms) Forward(Tensor query, Tensor visual, float floor)
    {
        long channels = visual.shape[^2], positions = visual.shape[^1];
        long maps = visual.numel() / (channels * positions);
        var leading = visual.shape[..^2];
        var pooled = empty(leading.Append(2).Append(channels).ToArray(), dtype: ScalarType.Float32);
        var terms = empty([maps, 2, positions], dtype: ScalarType.Float32);
        int c = (int)channels, p = (int)positions;
        ForEachMapRange((int)maps, (start, count) =>
        {
            var map = visual.Floats();
            var q = query.Floats();
            var output = pooled.Floats();
            var term = terms.Floats();
            for (int m = start; m < start + count; m++)
            {
                var outputs = output.Slice(m * 2 * c, 2 * c);
                var mapTerms = term.Slice(m * 2 * p, 2 * p);
                GroundingKernel.Forward(map.Slice(m * c * p, c * p), q.Slice(m * c, c), floor,
                    outputs[..c], outputs[c..], mapTerms[..p], mapTerms[p..]);
            }
        });
        return (pooled, terms);
    }

    // ∂q [N..., C] from ∂pooled [N..., 2, C] (only the attended half carries one).
    private static Tensor Backward(Tensor visual, Tensor terms, Tensor pooledGradient)
    {
        long channels = visual.shape[^2], positions = visual.shape[^1];
        long maps = visual.numel() / (channels * positions);
        using var attendedGradient = pooledGradient.select(-2, 0).contiguous();
        var queryGradient = empty(visual.shape[..^1], dtype: ScalarType.Float32);
        int c = (int)channels, p = (int)positions;
        ForEachMapRange((int)maps, (start, count) =>
        {
            var map = visual.Floats();
            var term = terms.Floats();
            var g = attendedGradient.Floats();
            var target = queryGradient.Floats();
            for (int m = start; m < start + count; m++)
            {
                var mapTerms = term.Slice(m * 2 * p, 2 * p);
                GroundingKernel.Backward(map.Slice(m * c * p, c * p), mapTerms[..p], mapTerms[p..],
                    g.Slice(m * c, c), target.Slice(m * c, c));
            }
        });
        return queryGradient;
    }

    // Ranges of maps spread over the thread pool, a few per core so that an uneven core does not hold the rest back.
    private static void ForEachMapRange(int maps, Action<int, int> body)
    {
        int ranges = Math.Min(maps, Environment.ProcessorCount * 4);
        if (ranges <= 1)
        {
            body(0, maps);
            return;
        }
        Parallel.For(0, ranges, r =>
        {
            int start = (int)((long)maps * r / ranges), end = (int)((long)maps * (r + 1) / ranges);
            body(start, end - start);
        });
    }

    // libtorch's autograd node: inputs (query, visual, floor); visual and floor take no gradient.
    private sealed class PoolFunction : autograd.SingleTensorFunction<PoolFunction>
    {
        public override string Name => nameof(FusedGrounding);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var query = ((Tensor)vars[0]).contiguous();
            var visual = (Tensor)vars[1];
            var (pooled, terms) = Forward(query, visual, (float)vars[2]);
            ctx.save_for_backward([visual, terms]);
            return pooled;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            using var scope = NewDisposeScope();
            var saved = ctx.get_saved_variables();
            var queryGradient = Backward(saved[0], saved[1], grad_output.contiguous());
            return [queryGradient.MoveToOuterDisposeScope(), null!, null!];
        }
    }
}
