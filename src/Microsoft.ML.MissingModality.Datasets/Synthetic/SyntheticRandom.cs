namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// A small seeded generator (xoshiro256**, seeded through SplitMix64) so every stream of the benchmark is
/// reproducible across .NET versions and platforms, and so independent streams can be derived from a seed and
/// a path (split, video, purpose) without any shared state.
/// </summary>
internal sealed class SyntheticRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SyntheticRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>A seed for an independent stream identified by <paramref name="path"/> under <paramref name="seed"/>.</summary>
    public static ulong Derive(ulong seed, params ReadOnlySpan<ulong> path)
    {
        ulong h = seed ^ 0x6A09E667F3BCC909UL;
        foreach (ulong p in path)
        {
            h ^= p + 0x9E3779B97F4A7C15UL + (h << 6) + (h >> 2);
            h = SplitMix(ref h);
        }
        return h;
    }

    public ulong NextULong()
    {
        ulong result = RotL(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotL(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [0, n).</summary>
    public int Next(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return (int)((NextULong() >> 33) * (ulong)n >> 31);
    }

    /// <summary>Uniform integer in [lo, hi).</summary>
    public int Next(int lo, int hi) => lo + Next(hi - lo);

    public bool Bernoulli(double p) => NextDouble() < p;

    /// <summary>Standard normal (Box–Muller; one value per call keeps the stream simple to reason about).</summary>
    public double Gaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>An index drawn with probability proportional to <paramref name="weights"/>.</summary>
    public int Categorical(ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (double w in weights) total += w;
        double r = NextDouble() * total;
        for (int i = 0; i < weights.Length; i++)
        {
            r -= weights[i];
            if (r < 0) return i;
        }
        return weights.Length - 1;
    }

    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong RotL(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
