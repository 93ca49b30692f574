using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Microsoft.ML.MissingModality.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Diffusion;

/// <summary>
/// Standard normal noise for the diffusion's draws, filled from a seed in blocks that run on the thread pool. libtorch's
/// <c>randn</c> fills on one thread: 7.2 ms for a row's ten noisy maps at MUSIC-AVQA's shapes (a million values) on
/// the development machine, drawn twice per row when the AVR transformer enhances its two pairs, about a fifth of its
/// time; this takes 3.7-4.3 ms on the machine's two cores. Each block of <see cref="BlockFloats"/> values has its own
/// four-lane xoshiro256+ stream, derived from the seed and the block's index, and turns it into normals by the
/// Box–Muller transform in vector registers, so the values depend on the seed alone, not on the number of threads or
/// on how much is drawn.
/// </summary>
/// <remarks>
/// Each pair of normals comes from two 24-bit uniforms, u₁ ∈ (0, 1] and u₂ ∈ [0, 1): √(−2 ln u₁)·cos 2πu₂ and
/// √(−2 ln u₁)·sin 2πu₂ (Box &amp; Muller 1958). As in any float generator with 24-bit uniforms, |z| stays below
/// √(2·24·ln 2) ≈ 5.77. The seed comes from a libtorch <see cref="Generator"/>, so a seeded generator still fixes
/// every draw.
/// </remarks>
internal static class GaussianNoise
{
    /// <summary>Values per block: one stream each, and the unit of work on the thread pool.</summary>
    internal const int BlockFloats = 4096;

    private const int PairsPerBlock = BlockFloats / 2;
    private const float UniformStep = 1f / (1 << 24);

    /// <summary>A CPU float tensor of <paramref name="shape"/> filled with standard normal values seeded by <paramref name="generator"/>.</summary>
    public static Tensor Draw(long[] shape, Generator generator) => Draw(shape, [generator]);

    /// <summary>
    /// A CPU float tensor of <paramref name="rowShape"/> with its first dimension times <c>generators.Count</c>: the
    /// values of row i (a slice along the first dimension) seeded by generator i alone.
    /// </summary>
    public static Tensor Draw(long[] rowShape, IReadOnlyList<Generator> generators)
    {
        var seeds = generators.Select(g => (ulong)randint(0, long.MaxValue, [1], dtype: ScalarType.Int64, generator: g).item<long>()).ToArray();
        long rowCount = rowShape.Aggregate(1L, (product, size) => product * size);
        if (rowCount * seeds.Length > int.MaxValue / sizeof(float))
            throw new ArgumentOutOfRangeException(nameof(rowShape), $"{rowCount * seeds.Length} values are more than one draw can hold.");
        var noise = empty([rowShape[0] * seeds.Length, .. rowShape[1..]], ScalarType.Float32);
        Fill((int)rowCount, seeds, (start, length) => noise.Floats().Slice(start, length));
        return noise;
    }

    /// <summary>Fills <paramref name="destination"/> with standard normal values from <paramref name="seed"/>.</summary>
    public static void Fill(float[] destination, ulong seed) =>
        Fill(destination.Length, [seed], (start, length) => destination.AsSpan(start, length));

    // A block fetches its own span (spans cannot cross threads).
    private delegate Span<float> Slice(int start, int length);

    // Row r is values r·rowLength .. (r + 1)·rowLength − 1, its blocks numbered from its start and seeded by seeds[r].
    private static void Fill(int rowLength, ulong[] seeds, Slice slice)
    {
        int blocksPerRow = (rowLength + BlockFloats - 1) / BlockFloats, blocks = blocksPerRow * seeds.Length;
        void FillOne(int b)
        {
            int row = b / blocksPerRow, block = b % blocksPerRow;
            int start = block * BlockFloats;
            FillBlock(slice(row * rowLength + start, Math.Min(BlockFloats, rowLength - start)), seeds[row], block);
        }
        if (blocks <= 2)
        {
            for (int b = 0; b < blocks; b++)
                FillOne(b);
            return;
        }
        Parallel.For(0, blocks, FillOne);
    }

    // The block's normals: pair p = 8k + j takes u₁ from the j-th 32-bit half of the streams' draw 2k and u₂ from that
    // of draw 2k + 1; its cosine normal goes to value p, its sine normal to value PairsPerBlock + p (a short last
    // block keeps the first values of each half it has room for).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillBlock(Span<float> values, ulong seed, int block)
    {
        Span<float> normals = stackalloc float[BlockFloats];
        var stream = new Xoshiro256Plus(seed, (ulong)block);
        var step = Vector256.Create(UniformStep);
        for (int p = 0; p < PairsPerBlock; p += 8)
        {
            // Each 64-bit draw gives two 24-bit uniforms, its bits 8-31 and 40-63 (the top 24 of each 32-bit half):
            // eight from one draw of the four lanes for the u₁ ∈ (0, 1] of eight pairs, eight from the next for their u₂.
            var first = (stream.Next().AsInt32() >>> 8) + Vector256<int>.One;
            var second = stream.Next().AsInt32() >>> 8;
            var u1 = Vector256.ConvertToSingle(first) * step;
            var u2 = Vector256.ConvertToSingle(second) * step;
            var radius = Vector256.Sqrt(Vector256.Create(-2f) * FloatMath.Log(u1));
            var (sin, cos) = FloatMath.SinCosOfTurn(u2);
            (radius * cos).StoreUnsafe(ref normals[p]);
            (radius * sin).StoreUnsafe(ref normals[PairsPerBlock + p]);
        }
        if (values.Length == BlockFloats)
        {
            normals.CopyTo(values);
            return;
        }
        int pairs = (values.Length + 1) / 2;
        normals[..pairs].CopyTo(values);
        normals.Slice(PairsPerBlock, values.Length - pairs).CopyTo(values[pairs..]);
    }

    /// <summary>
    /// Four xoshiro256+ generators (Blackman &amp; Vigna 2018) side by side, one per 64-bit lane (additions, shifts and
    /// exclusive ors only, so the lanes run in vector registers); each lane's state from SplitMix64 of the seed, the
    /// block and the lane. The low bits of xoshiro256+ are its weak ones; only bits 8 and up are used.
    /// </summary>
    private struct Xoshiro256Plus
    {
        private Vector256<ulong> _s0, _s1, _s2, _s3;

        public Xoshiro256Plus(ulong seed, ulong stream)
        {
            Span<ulong> state = stackalloc ulong[16];
            ulong x = seed ^ (stream * 0xD1B54A32D192ED03UL);
            for (int i = 0; i < state.Length; i++)
                state[i] = SplitMix(ref x);
            _s0 = Vector256.Create<ulong>(state[0..4]);
            _s1 = Vector256.Create<ulong>(state[4..8]);
            _s2 = Vector256.Create<ulong>(state[8..12]);
            _s3 = Vector256.Create<ulong>(state[12..16]);
        }

        public Vector256<ulong> Next()
        {
            var result = _s0 + _s3;
            var t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = (_s3 << 45) | (_s3 >>> 19);
            return result;
        }

        private static ulong SplitMix(ref ulong x)
        {
            ulong z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
