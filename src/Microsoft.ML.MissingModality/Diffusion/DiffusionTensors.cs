using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Diffusion;

/// <summary>
/// The tensor plumbing of <see cref="DiffusionScheduler"/>: timesteps read from a tensor, per-row coefficients shaped to
/// broadcast over a batch-first tensor, and the argument checks shared by its operations.
/// </summary>
internal static class DiffusionTensors
{
    /// <summary>The timesteps of an integer tensor <c>[B]</c> (any device), one per row.</summary>
    public static long[] Timesteps(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.dtype is not (ScalarType.Int64 or ScalarType.Int32) || t.dim() != 1)
            throw new ArgumentException($"Timesteps must be an int64 (or int32) tensor of shape [B]; got {t.dtype} of shape [{string.Join(", ", t.shape)}].", nameof(t));
        return t.to_type(ScalarType.Int64).cpu().contiguous().data<long>().ToArray();
    }

    /// <summary>
    /// One coefficient per row as a tensor <c>[B, 1, ..., 1]</c> on <paramref name="like"/>'s device, so that it broadcasts
    /// over the row's other dimensions. Float32 (what the networks run in), or float64 when the input is float64.
    /// </summary>
    public static Tensor PerRow(IEnumerable<double> coefficients, Tensor like)
    {
        var shape = new long[like.dim()];
        Array.Fill(shape, 1L);
        shape[0] = like.shape[0];
        var dtype = like.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        return tensor(coefficients.ToArray(), shape, dtype: dtype, device: like.device);
    }

    /// <summary>The result in <paramref name="like"/>'s dtype (a half-precision input came back as float32).</summary>
    public static Tensor InDtypeOf(Tensor result, Tensor like) => result.dtype == like.dtype ? result : result.to_type(like.dtype);

    public static void CheckSameShape(Tensor expected, Tensor actual, string name)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual, name);
        if (!expected.shape.SequenceEqual(actual.shape))
            throw new ArgumentException($"Expected {name} of shape [{string.Join(", ", expected.shape)}]; got [{string.Join(", ", actual.shape)}].", name);
        if (!is_floating_point(actual) || !is_floating_point(expected))
            throw new ArgumentException($"Expected floating-point tensors; got {expected.dtype} and {actual.dtype} ({name}).", name);
    }

    public static void CheckClamp(double? clampOriginal)
    {
        if (clampOriginal is double c && !(c > 0))
            throw new ArgumentOutOfRangeException(nameof(clampOriginal), c, "The clamp range [-c, c] needs c > 0; pass null for no clamp.");
    }
}
