using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// The spatial grounding's pooling over CPU maps that take no gradient (features read from data, the common case), as
/// one autograd operation whose forward and backward run <see cref="GroundingKernel"/> over the maps on the thread
/// pool: the map is read from memory twice per training step (once each way) instead of five times. The maps are one
/// tensor, or rows wherever they are (<see cref="VisualMapRows"/>: a batch's maps never copied into one).
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

    /// <summary>Whether <paramref name="maps"/> can be pooled with <paramref name="query"/> <c>[B, T, C]</c> here.</summary>
    public static bool Supports(Tensor query, VisualMapRows maps) =>
        query.device_type == DeviceType.CPU && query.dtype == ScalarType.Float32 && query.shape.SequenceEqual(maps.Shape[..^1])
        && maps.Rows > 0;

    /// <summary>
    /// <c>[..., 2, C]</c>: the attended vector (index 0) and the map's mean over positions (index 1) of every map, with
    /// the attended vector's gradient flowing to <paramref name="query"/> when it requires one.
    /// </summary>
    public static Tensor Pool(Tensor query, Tensor visual, float floor)
    {
        if (!Supports(query, visual))
            throw new ArgumentException("The fused grounding takes contiguous float32 CPU maps that need no gradient.", nameof(visual));
        return Pool(query, new TensorMaps(visual), floor);
    }

    /// <summary><see cref="Pool(Tensor, Tensor, float)"/> over maps read where their rows are.</summary>
    public static Tensor Pool(Tensor query, VisualMapRows maps, float floor)
    {
        if (!Supports(query, maps))
            throw new ArgumentException($"The query must be a float32 CPU tensor [{string.Join(", ", maps.Shape[..^1])}] for these maps; got {query.dtype} [{string.Join(", ", query.shape)}].", nameof(query));
        return Pool(query, new RowMaps(maps), floor);
    }

    private static Tensor Pool(Tensor query, IMaps maps, float floor)
    {
        if (query.requires_grad && is_grad_enabled())
            return PoolFunction.apply(query, maps, floor);
        using var contiguous = query.contiguous();
        var (pooled, terms) = Forward(contiguous, maps, floor);
        terms.Dispose();
        return pooled;
    }

    // Pools every map: output [N..., 2, C], and the norms and softmax weights [N, 2, P] the backward pass reads.
    private static (Tensor Pooled, Tensor PositionTerms) Forward(Tensor query, IMaps maps, float floor)
    {
        int c = maps.Channels, p = maps.Positions;
        var pooled = empty(maps.Leading.Append(2).Append(c).ToArray(), dtype: ScalarType.Float32);
        var terms = empty([maps.Count, 2, p], dtype: ScalarType.Float32);
        ForEachMapRange(maps.Count, (start, count) =>
        {
            var q = query.Floats();
            var output = pooled.Floats();
            var term = terms.Floats();
            for (int m = start; m < start + count; m++)
            {
                var outputs = output.Slice(m * 2 * c, 2 * c);
                var mapTerms = term.Slice(m * 2 * p, 2 * p);
                GroundingKernel.Forward(maps.Map(m), q.Slice(m * c, c), floor,
                    outputs[..c], outputs[c..], mapTerms[..p], mapTerms[p..]);
            }
        });
        return (pooled, terms);
    }

    // ∂q [N..., C] from ∂pooled [N..., 2, C] (only the attended half carries one).
    private static Tensor Backward(IMaps maps, Tensor terms, Tensor pooledGradient)
    {
        int c = maps.Channels, p = maps.Positions;
        using var attendedGradient = pooledGradient.select(-2, 0).contiguous();
        var queryGradient = empty(maps.Leading.Append(c).ToArray(), dtype: ScalarType.Float32);
        ForEachMapRange(maps.Count, (start, count) =>
        {
            var term = terms.Floats();
            var g = attendedGradient.Floats();
            var target = queryGradient.Floats();
            for (int m = start; m < start + count; m++)
            {
                var mapTerms = term.Slice(m * 2 * p, 2 * p);
                GroundingKernel.Backward(maps.Map(m), mapTerms[..p], mapTerms[p..],
                    g.Slice(m * c, c), target.Slice(m * c, c));
            }
        });
        return queryGradient;
    }

    // The maps [N..., C, P] as the kernels read them: map m's [C, P] values, wherever they are.
    private interface IMaps
    {
        long[] Leading { get; }

        int Count { get; }

        int Channels { get; }

        int Positions { get; }

        ReadOnlySpan<float> Map(int index);
    }

    // One contiguous tensor of maps.
    private sealed class TensorMaps(Tensor visual) : IMaps
    {
        public Tensor Visual => visual;

        public long[] Leading { get; } = visual.shape[..^2];

        public int Channels { get; } = (int)visual.shape[^2];

        public int Positions { get; } = (int)visual.shape[^1];

        public int Count => (int)(visual.numel() / ((long)Channels * Positions));

        public ReadOnlySpan<float> Map(int index) => visual.Floats().Slice(index * Channels * Positions, Channels * Positions);
    }

    // Rows held where they are.
    private sealed class RowMaps(VisualMapRows rows) : IMaps
    {
        public long[] Leading { get; } = [rows.Rows, rows.Segments];

        public int Count => rows.Rows * rows.Segments;

        public int Channels => rows.Channels;

        public int Positions => rows.Positions;

        public ReadOnlySpan<float> Map(int index) => rows.Map(index);
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
            var maps = (IMaps)vars[1];
            var (pooled, terms) = Forward(query, maps, (float)vars[2]);
            // A tensor of maps is saved as libtorch saves tensors (kept alive with the graph); rows are kept by reference.
            ctx.save_for_backward(maps is TensorMaps tensorMaps ? [terms, tensorMaps.Visual] : [terms]);
            ctx.save_data(nameof(IMaps), maps);
            return pooled;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            using var scope = NewDisposeScope();
            var saved = ctx.get_saved_variables();
            var maps = (IMaps)ctx.get_data(nameof(IMaps));
            if (maps is TensorMaps)
                maps = new TensorMaps(saved[1]);
            var queryGradient = Backward(maps, saved[0], grad_output.contiguous());
            return [queryGradient.MoveToOuterDisposeScope(), null!, null!];
        }
    }
}
