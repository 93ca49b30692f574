using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Microsoft.ML.MissingModality.Diffusion;

/// <summary>
/// The logarithm and the sine and cosine that <see cref="GaussianNoise"/> needs, over eight float lanes, each a handful
/// of vector operations the JIT inlines into the caller. The runtime's own <c>Vector256.Log</c> and
/// <c>Vector256.SinCos</c> are calls that start unoptimised under tiered compilation (in a probe on the development
/// machine, <c>Vector256.Log</c> took 8.7-9.6 ns a value over its first thousands of calls, 1.8 ns with tiered
/// compilation off). The polynomials are Cephes'
/// single-precision ones (Moshier: <c>logf.c</c>, <c>sinf.c</c>, <c>cosf.c</c>), within a few float rounding steps
/// over the ranges used here (tests).
/// </summary>
internal static class FloatMath
{
    /// <summary>ln x for finite x &gt; 0 (no checks: zeros, negatives and non-finite values give garbage).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log(Vector256<float> x)
    {
        // x = m·2^e with m in [√½, √2): ln x = e·ln 2 + ln m, ln m from a polynomial in m − 1.
        var bits = x.AsInt32();
        var exponent = Vector256.ShiftRightArithmetic(bits, 23) - Vector256.Create(127);
        var mantissa = ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F800000)).AsSingle();
        var large = Vector256.GreaterThan(mantissa, Vector256.Create(1.41421356f));
        mantissa = Vector256.ConditionalSelect(large, mantissa * Vector256.Create(0.5f), mantissa);
        exponent -= large.AsInt32();                         // a true lane is −1
        var f = mantissa - Vector256<float>.One;
        var z = f * f;
        var p = Vector256.Create(7.0376836292E-2f);
        p = p * f + Vector256.Create(-1.1514610310E-1f);
        p = p * f + Vector256.Create(1.1676998740E-1f);
        p = p * f + Vector256.Create(-1.2420140846E-1f);
        p = p * f + Vector256.Create(1.4249322787E-1f);
        p = p * f + Vector256.Create(-1.6668057665E-1f);
        p = p * f + Vector256.Create(2.0000714765E-1f);
        p = p * f + Vector256.Create(-2.4999993993E-1f);
        p = p * f + Vector256.Create(3.3333331174E-1f);
        var y = f * z * p - Vector256.Create(0.5f) * z;
        return f + y + Vector256.ConvertToSingle(exponent) * Vector256.Create(0.693147180559945f);
    }

    /// <summary>sin 2πu and cos 2πu for u in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> Sin, Vector256<float> Cos) SinCosOfTurn(Vector256<float> u)
    {
        // 2πu = q·π/2 + φ with q the nearest quarter turn and φ in [−π/4, π/4]; the quadrant swaps and negates.
        var quarters = u * Vector256.Create(4f);
        var nearest = Vector256.Floor(quarters + Vector256.Create(0.5f));
        var phi = (quarters - nearest) * Vector256.Create(MathF.PI / 2);
        var q = Vector256.ConvertToInt32(nearest);
        var phi2 = phi * phi;
        var s = Vector256.Create(-1.9515295891E-4f);
        s = s * phi2 + Vector256.Create(8.3321608736E-3f);
        s = s * phi2 + Vector256.Create(-1.6666654611E-1f);
        s = s * phi2 * phi + phi;
        var c = Vector256.Create(2.443315711809948E-5f);
        c = c * phi2 + Vector256.Create(-1.388731625493765E-3f);
        c = c * phi2 + Vector256.Create(4.166664568298827E-2f);
        c = c * phi2 * phi2 - Vector256.Create(0.5f) * phi2 + Vector256<float>.One;
        var swap = Vector256.Equals(q & Vector256<int>.One, Vector256<int>.One);
        var sin = Vector256.ConditionalSelect(swap.AsSingle(), c, s);
        var cos = Vector256.ConditionalSelect(swap.AsSingle(), s, c);
        var sinSign = Vector256.ShiftLeft(q & Vector256.Create(2), 30);                     // quadrants 2, 3
        var cosSign = Vector256.ShiftLeft((q + Vector256<int>.One) & Vector256.Create(2), 30);   // quadrants 1, 2
        return ((sin.AsInt32() ^ sinSign).AsSingle(), (cos.AsInt32() ^ cosSign).AsSingle());
    }
}
