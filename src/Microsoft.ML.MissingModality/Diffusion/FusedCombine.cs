using System.Numerics;
using System.Runtime.InteropServices;
using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Diffusion;

/// <summary>
/// Σ_k c_k[row]·x_k over two or three batch-first tensors in one pass, for the scheduler's per-row combinations
/// (q_sample, x̂_0, the posterior mean plus σ·z). libtorch takes a multiplication per term and an addition per sum,
/// each a pass over the maps that allocates its result: a full-size temporary for every operation of a step.
/// </summary>
/// <remarks>
/// Used for contiguous float32 CPU tensors of one shape when no gradient is needed (the scheduler's libtorch path
/// otherwise). Each coefficient is rounded to float as the libtorch path's per-row tensor is; the terms are added with
/// fused multiply-adds, so results agree with libtorch's up to float rounding (tests).
/// </remarks>
internal static class FusedCombine
{
    private const int ChunkFloats = 1 << 16;

    /// <summary>Whether the tensors can be combined here: same shape, contiguous float32 on the CPU, no gradient wanted.</summary>
    public static bool Supports(Tensor first, Tensor second, Tensor? third = null)
    {
        bool gradient = is_grad_enabled() && (first.requires_grad || second.requires_grad || third?.requires_grad == true);
        return !gradient && first.IsPlainFloats() && second.IsPlainFloats() && (third is null || third.IsPlainFloats())
            && first.shape.SequenceEqual(second.shape) && (third is null || first.shape.SequenceEqual(third.shape))
            && first.dim() >= 1;
    }

    /// <summary>a[r]·x + b[r]·y (+ c[r]·z) for every row r of the tensors' first dimension.</summary>
    public static Tensor Sum(double[] a, Tensor x, double[] b, Tensor y, double[]? c = null, Tensor? z = null)
    {
        if (!Supports(x, y, z) || (z is null) != (c is null))
            throw new ArgumentException("The fused combination takes same-shaped contiguous float32 CPU tensors without gradient, and a coefficient array per tensor.");
        long rows = x.shape[0];
        if (a.Length != rows || b.Length != rows || (c is not null && c.Length != rows))
            throw new ArgumentException($"Expected {rows} coefficients per term.");
        var result = empty_like(x);
        int rowLength = rows == 0 ? 0 : checked((int)(x.numel() / rows));
        TensorMemory.ForEachChunk(Enumerable.Repeat(rowLength, (int)rows).ToArray(), ChunkFloats, (row, start, length) =>
        {
            int offset = row * rowLength + start;
            var target = result.Floats().Slice(offset, length);
            Combine((float)a[row], x.Floats().Slice(offset, length), (float)b[row], y.Floats().Slice(offset, length), target);
            if (z is not null)
                AddScaled((float)c![row], z.Floats().Slice(offset, length), target);
        });
        return result;
    }

    // target = a·x + b·y
    private static void Combine(float a, ReadOnlySpan<float> x, float b, ReadOnlySpan<float> y, Span<float> target)
    {
        int vectorEnd = x.Length - x.Length % Vector<float>.Count;
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x[..vectorEnd]);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y[..vectorEnd]);
        var vt = MemoryMarshal.Cast<float, Vector<float>>(target[..vectorEnd]);
        var va = new Vector<float>(a);
        var vb = new Vector<float>(b);
        for (int k = 0; k < vt.Length; k++)
            vt[k] = Vector.FusedMultiplyAdd(va, vx[k], vb * vy[k]);
        for (int i = vectorEnd; i < x.Length; i++)
            target[i] = MathF.FusedMultiplyAdd(a, x[i], b * y[i]);
    }

    // target += c·z
    private static void AddScaled(float c, ReadOnlySpan<float> z, Span<float> target)
    {
        int vectorEnd = z.Length - z.Length % Vector<float>.Count;
        var vz = MemoryMarshal.Cast<float, Vector<float>>(z[..vectorEnd]);
        var vt = MemoryMarshal.Cast<float, Vector<float>>(target[..vectorEnd]);
        var vc = new Vector<float>(c);
        for (int k = 0; k < vt.Length; k++)
            vt[k] = Vector.FusedMultiplyAdd(vc, vz[k], vt[k]);
        for (int i = vectorEnd; i < z.Length; i++)
            target[i] = MathF.FusedMultiplyAdd(c, z[i], target[i]);
    }
}
