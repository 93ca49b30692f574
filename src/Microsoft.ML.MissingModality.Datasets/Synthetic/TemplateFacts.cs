namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>Shared scene queries and argument choices for the template answer functions.</summary>
internal static class TemplateFacts
{
    public static string YesNo(bool value) => value ? "yes" : "no";

    public static T Pick<T>(IReadOnlyList<T> items, SyntheticRandom rng) => items[rng.Next(items.Count)];

    public static string[] Types(IEnumerable<SceneInstrument> instruments) =>
        instruments.Select(i => i.Instrument).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>An instrument from <paramref name="pool"/> with probability <paramref name="p"/> (when non-empty), else one outside it.</summary>
    public static string PickInOrOut(IReadOnlyList<string> pool, double p, SyntheticRandom rng, IReadOnlyList<string>? preferredOut = null)
    {
        if (pool.Count > 0 && rng.Bernoulli(p)) return Pick(pool, rng);
        var outside = preferredOut?.Where(t => !pool.Contains(t)).ToList();
        if (outside is { Count: > 0 } && rng.Bernoulli(0.5)) return Pick(outside, rng);
        var all = MusicAvqaVocabulary.Instruments.Where(t => !pool.Contains(t)).ToList();
        return all.Count > 0 ? Pick(all, rng) : Pick(pool, rng);
    }

    /// <summary>Two different instruments, both from <paramref name="pool"/> with probability <paramref name="p"/> when it can.</summary>
    public static string[] PickPair(IReadOnlyList<string> pool, double p, SyntheticRandom rng)
    {
        string a = PickInOrOut(pool, pool.Count >= 2 ? Math.Sqrt(p) : 0.8, rng);
        string b;
        do b = PickInOrOut(pool, pool.Count >= 2 ? Math.Sqrt(p) : 0.3, rng); while (b == a);
        return rng.Bernoulli(0.5) ? [a, b] : [b, a];
    }

    /// <summary>The single on-screen instrument of that type in that region, or null when there is none or several.</summary>
    public static SceneInstrument? Referent(Scene scene, string? type, string region)
    {
        SceneInstrument? found = null;
        foreach (var i in scene.Visible)
        {
            if ((type is null || i.Instrument == type) && i.Region == region)
            {
                if (found is not null) return null;
                found = i;
            }
        }
        return found;
    }

    /// <summary>The on-screen instruments that can be named by (type, region) or by region alone without ambiguity.</summary>
    public static List<SceneInstrument> Nameable(Scene scene, bool byTypeToo) =>
        scene.Visible.Where(i => Referent(scene, byTypeToo ? i.Instrument : null, i.Region) is not null).ToList();

    /// <summary>Onset (first sounding segment) per on-screen sounding type: when each kind of instrument comes in.</summary>
    public static List<(string Type, int Onset)> TypeOnsets(Scene scene) =>
        scene.VisibleSounding.GroupBy(i => i.Instrument)
            .Select(g => (g.Key, g.Min(i => i.Onset)))
            .OrderBy(p => p.Item2).ThenBy(p => p.Key, StringComparer.Ordinal).ToList();

    /// <summary>The on-screen sounding instrument that comes in first (or last), or null when several share that moment.</summary>
    public static SceneInstrument? UniqueByOnset(Scene scene, bool first)
    {
        var sounding = scene.VisibleSounding.ToList();
        if (sounding.Count == 0) return null;
        int target = first ? sounding.Min(i => i.Onset) : sounding.Max(i => i.Onset);
        var at = sounding.Where(i => i.Onset == target).ToList();
        return at.Count == 1 ? at[0] : null;
    }

    /// <summary>Whether an instrument of <paramref name="type"/> sounds in segment <paramref name="t"/> (among <paramref name="instruments"/>).</summary>
    public static bool TypeSoundsAt(IEnumerable<SceneInstrument> instruments, string type, int t) =>
        instruments.Any(i => i.Instrument == type && i.SoundsAt(t));
}
