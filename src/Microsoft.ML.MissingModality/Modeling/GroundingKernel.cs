using System.Numerics;
using System.Runtime.InteropServices;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// The spatial grounding's attention over one <c>[C, P]</c> map (C channels, each a row of P positions), forward and
/// backward, on plain spans: the arithmetic of <see cref="SpatialGrounding"/>'s libtorch path written so that the map
/// is streamed from memory once per pass instead of five times per training step.
/// </summary>
/// <remarks>
/// Forward, for a query q (already normalised): n_p = max(‖v_p‖, floor), s_p = (q · v_p) / n_p, w = softmax(s),
/// attended = Σ_p v_p · w_p / n_p, global = Σ_p v_p / P. The norms and the dot products come from one sweep over the
/// rows (two P-wide accumulators that stay in L1); the two sums from a second sweep, which finds the map (400 KB at
/// MUSIC-AVQA's shapes) still in cache. Backward, for the gradient g of <c>attended</c> (the map and <c>global</c>
/// take none): ∂u_p = v_p · g, ∂s = w ⊙ (∂u/n − ⟨w, ∂u/n⟩), ∂q = Σ_p v_p · ∂s_p / n_p — again one sweep for the
/// P-wide sum and one, from cache, for the C-wide one. libtorch does the same with four batched matrix products and a
/// norm, each reading the whole batch of maps from memory.
/// </remarks>
internal static class GroundingKernel
{
    /// <summary>
    /// Grounds one <paramref name="map"/> <c>[channels, P]</c> with <paramref name="query"/> <c>[channels]</c>. Writes
    /// <paramref name="attended"/> and <paramref name="global"/> <c>[channels]</c>, and, for the backward pass, the
    /// floored <paramref name="norms"/> and softmax <paramref name="weights"/> <c>[P]</c>.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> map, ReadOnlySpan<float> query, float floor,
        Span<float> attended, Span<float> global, Span<float> norms, Span<float> weights)
    {
        int channels = query.Length, positions = norms.Length;
        // Sweep 1: Σ_c v_cp² into norms, Σ_c q_c·v_cp into weights (the scores before scaling).
        norms.Clear();
        weights.Clear();
        for (int c = 0; c < channels; c++)
        {
            var row = map.Slice(c * positions, positions);
            MultiplyAdd(row, row, norms);
            ScaleAdd(row, query[c], weights);
        }
        // Scores s_p = dot_p / n_p, then the softmax in place (max-shifted as libtorch's).
        float max = float.NegativeInfinity;
        for (int p = 0; p < positions; p++)
        {
            norms[p] = MathF.Max(MathF.Sqrt(norms[p]), floor);
            weights[p] /= norms[p];
            max = MathF.Max(max, weights[p]);
        }
        float total = 0;
        for (int p = 0; p < positions; p++)
        {
            weights[p] = MathF.Exp(weights[p] - max);
            total += weights[p];
        }
        for (int p = 0; p < positions; p++)
            weights[p] /= total;

        // Sweep 2: attended_c = Σ_p v_cp · (w_p / n_p), global_c = Σ_p v_cp / P.
        Span<float> scaled = positions <= 1024 ? stackalloc float[positions] : new float[positions];
        for (int p = 0; p < positions; p++)
            scaled[p] = weights[p] / norms[p];
        float inversePositions = 1f / positions;
        for (int c = 0; c < channels; c++)
        {
            var row = map.Slice(c * positions, positions);
            var (dot, sum) = DotAndSum(row, scaled);
            attended[c] = dot;
            global[c] = sum * inversePositions;
        }
    }

    /// <summary>
    /// The gradient of the normalised query, <paramref name="queryGradient"/> <c>[channels]</c>, from the gradient of
    /// <c>attended</c>, given the <paramref name="norms"/> and <paramref name="weights"/> that <see cref="Forward"/> wrote.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> map, ReadOnlySpan<float> norms, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> attendedGradient, Span<float> queryGradient)
    {
        int channels = attendedGradient.Length, positions = norms.Length;
        Span<float> scores = positions <= 1024 ? stackalloc float[positions] : new float[positions];
        // Sweep 1: ∂u_p = Σ_c v_cp · g_c.
        scores.Clear();
        for (int c = 0; c < channels; c++)
            ScaleAdd(map.Slice(c * positions, positions), attendedGradient[c], scores);
        // Through u_p = w_p / n_p and the softmax, then s_p = dot_p / n_p: ∂dot_p = w_p (∂w_p − ⟨w, ∂w⟩) / n_p.
        float inner = 0;
        for (int p = 0; p < positions; p++)
        {
            scores[p] /= norms[p];
            inner += weights[p] * scores[p];
        }
        for (int p = 0; p < positions; p++)
            scores[p] = weights[p] * (scores[p] - inner) / norms[p];
        // Sweep 2: ∂q_c = Σ_p v_cp · ∂dot_p.
        for (int c = 0; c < channels; c++)
            queryGradient[c] = Dot(map.Slice(c * positions, positions), scores);
    }

    // target += a ⊙ b
    private static void MultiplyAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> target)
    {
        int vectorEnd = a.Length - a.Length % Vector<float>.Count;
        var va = MemoryMarshal.Cast<float, Vector<float>>(a[..vectorEnd]);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b[..vectorEnd]);
        var vt = MemoryMarshal.Cast<float, Vector<float>>(target[..vectorEnd]);
        for (int k = 0; k < vt.Length; k++)
            vt[k] = Vector.FusedMultiplyAdd(va[k], vb[k], vt[k]);
        for (int i = vectorEnd; i < a.Length; i++)
            target[i] = MathF.FusedMultiplyAdd(a[i], b[i], target[i]);
    }

    // target += a · s
    private static void ScaleAdd(ReadOnlySpan<float> a, float s, Span<float> target)
    {
        int vectorEnd = a.Length - a.Length % Vector<float>.Count;
        var va = MemoryMarshal.Cast<float, Vector<float>>(a[..vectorEnd]);
        var vt = MemoryMarshal.Cast<float, Vector<float>>(target[..vectorEnd]);
        var vs = new Vector<float>(s);
        for (int k = 0; k < vt.Length; k++)
            vt[k] = Vector.FusedMultiplyAdd(va[k], vs, vt[k]);
        for (int i = vectorEnd; i < a.Length; i++)
            target[i] = MathF.FusedMultiplyAdd(a[i], s, target[i]);
    }

    // Σ a ⊙ b
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int vectorEnd = a.Length - a.Length % Vector<float>.Count;
        var va = MemoryMarshal.Cast<float, Vector<float>>(a[..vectorEnd]);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b[..vectorEnd]);
        var dot = Vector<float>.Zero;
        for (int k = 0; k < va.Length; k++)
            dot = Vector.FusedMultiplyAdd(va[k], vb[k], dot);
        float d = Vector.Sum(dot);
        for (int i = vectorEnd; i < a.Length; i++)
            d = MathF.FusedMultiplyAdd(a[i], b[i], d);
        return d;
    }

    // (Σ a ⊙ b, Σ a)
    private static (float Dot, float Sum) DotAndSum(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int vectorEnd = a.Length - a.Length % Vector<float>.Count;
        var va = MemoryMarshal.Cast<float, Vector<float>>(a[..vectorEnd]);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b[..vectorEnd]);
        var dot = Vector<float>.Zero;
        var sum = Vector<float>.Zero;
        for (int k = 0; k < va.Length; k++)
        {
            dot = Vector.FusedMultiplyAdd(va[k], vb[k], dot);
            sum += va[k];
        }
        float d = Vector.Sum(dot), s = Vector.Sum(sum);
        for (int i = vectorEnd; i < a.Length; i++)
        {
            d = MathF.FusedMultiplyAdd(a[i], b[i], d);
            s += a[i];
        }
        return (d, s);
    }
}
