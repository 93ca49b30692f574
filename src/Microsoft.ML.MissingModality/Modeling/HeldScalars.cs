using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// Tensor arithmetic whose Scalar arguments outlive the native call: the same libtorch operations as TorchSharp's
/// operators (so the same numbers), without the temporaries a finalizer can free mid-call.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 converts a double passed as a Scalar (<c>x * 0.5</c>, the alpha of 1 inside <c>a + b</c>, the
/// exponent inside <c>square()</c>) into a Scalar whose only reference dies once its handle is read. A garbage
/// collection started by another thread during the call (the data path reads the next batch meanwhile) lets the
/// finalizer free it, and libtorch fails with "Unknown scalar type" or "Expected false to be true" at c10/core/Scalar.h
/// (seen in <c>a + b</c>, <c>vector_norm</c> and <c>square()</c>). Upstream: dotnet/TorchSharp pull requests 1434 and
/// 1496. A test reads the library's IL so that no new temporary slips in.
/// </remarks>
internal static class HeldScalars
{
    /// <summary>1, the alpha of a plain addition.</summary>
    public static readonly Scalar One = 1;

    /// <summary>0, as an integer.</summary>
    public static readonly Scalar Zero = 0;

    /// <summary><c>a + b</c>.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><c>a += b</c>, in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary><c>a * factor</c>.</summary>
    public static Tensor Times(this Tensor a, double factor)
    {
        using Scalar held = factor;
        return a.mul(held);
    }

    /// <summary><c>a * factor</c>, the factor an integer Scalar (as <c>a * count</c> makes it).</summary>
    public static Tensor Times(this Tensor a, long factor)
    {
        using Scalar held = factor;
        return a.mul(held);
    }

    /// <summary><c>a / divisor</c>.</summary>
    public static Tensor DividedBy(this Tensor a, double divisor)
    {
        using Scalar held = divisor;
        return a.div(held);
    }

    /// <summary><c>a / divisor</c>, the divisor an integer Scalar (as <c>a / count</c> makes it).</summary>
    public static Tensor DividedBy(this Tensor a, long divisor)
    {
        using Scalar held = divisor;
        return a.div(held);
    }

    /// <summary><c>a²</c> elementwise (libtorch computes <c>pow(a, 2)</c> as <c>a * a</c> too).</summary>
    public static Tensor Squared(this Tensor a) => a.mul(a);

    /// <summary><c>max(a, min)</c> elementwise.</summary>
    public static Tensor AtLeast(this Tensor a, double min)
    {
        using Scalar held = min;
        return a.clamp_min(held);
    }
}
