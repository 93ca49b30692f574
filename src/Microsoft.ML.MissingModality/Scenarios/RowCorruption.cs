namespace Microsoft.ML.MissingModality.Scenarios;

/// <summary>
/// The per-row decision of a scenario, a pure function of (seed, row identity): the same question is corrupted the
/// same way whatever the row order, shuffling or number of passes.
/// </summary>
internal readonly record struct RowCorruption(bool AudioAffected, bool VisualAffected, ulong NoiseSeed)
{
    public static RowCorruption Decide(MissingModalityScenario scenario, ulong seed, ulong rowIdentity)
    {
        ulong h = Mix(seed ^ Mix(rowIdentity));
        double u = (h >> 11) * (1.0 / (1UL << 53));
        bool affected = scenario.Modality != MissingModalityKind.None && u < scenario.Ratio;
        ulong h2 = Mix(h);
        bool audio = affected && (scenario.Modality == MissingModalityKind.Audio || (scenario.Modality == MissingModalityKind.Either && (h2 & 1) == 0));
        bool visual = affected && !audio && scenario.Modality != MissingModalityKind.Audio;
        return new RowCorruption(audio, visual, Mix(h2));
    }

    /// <summary>A row identity from a text key (FNV-1a over the characters).</summary>
    public static ulong Identity(ReadOnlySpan<char> key)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in key)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    /// <summary>SplitMix64's finaliser: a bijective, well-mixed 64-bit hash.</summary>
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>Adds N(0, stdDev²) noise in place, from a generator seeded by <paramref name="seed"/>.</summary>
    public static void AddGaussianNoise(Span<float> values, double stdDev, ulong seed)
    {
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        for (int i = 0; i < values.Length; i += 2)
        {
            // Box-Muller: two independent normals per pair of uniforms.
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double radius = stdDev * Math.Sqrt(-2.0 * Math.Log(u1));
            values[i] += (float)(radius * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < values.Length)
                values[i + 1] += (float)(radius * Math.Sin(2 * Math.PI * u2));
        }
    }
}
