using Microsoft.ML.MissingModality.Data;
using static Microsoft.ML.MissingModality.Datasets.Synthetic.TemplateFacts;

namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// The Audio-Visual Location and Temporal templates: where a sound comes from and the order in which on-screen
/// instruments come in. "First"/"last" is the earliest/latest onset; a question whose referent is shared by
/// several players that come in together does not apply (except where "simultaneously" is the answer).
/// </summary>
internal static class SpatioTemporalTemplates
{
    private static readonly string[] Ordinals = ["first", "second", "third"];

    public static IEnumerable<QuestionTemplate> Create()
    {
        var location = QuestionType.AudioVisualLocation;
        var temporal = QuestionType.AudioVisualTemporal;
        yield return new(location, "Is the <FL> sound coming from the <LR> instrument?", 134,
            (s, r) => [FirstOrLast(r), Pick(MusicAvqaVocabulary.Positions, r)],
            (s, a) => UniqueByOnset(s, a[0] == "first") is { } i ? YesNo(i.Region == a[1]) : null);
        yield return new(location, "What is the <LR> instrument of the <FL> sounding instrument?", 41,
            (s, r) => [Pick(MusicAvqaVocabulary.Positions, r), FirstOrLast(r)],
            (s, a) => InGroup(s, a[0], a[1] == "first"));
        yield return new(location, "Where is the <LL> instrument?", 110,
            (s, r) => [r.Bernoulli(0.88) ? "loudest" : "lowest"],
            (s, a) => Loudest(s, a[0] == "loudest"));
        yield return new(location, "Which is the musical instrument that sounds at the same time as the <Object>?", 176,
            (s, r) => [Pick(Types(s.VisibleSounding) is { Length: > 0 } t ? t : [""], r)],
            (s, a) => SameTime(s, a[0]));
        yield return new(temporal, "What is the <TH> instrument that comes in?", 172,
            (s, r) => [Ordinals[r.Categorical([145, 19, 8])]],
            (s, a) => NthType(s, Array.IndexOf(Ordinals, a[0])));
        yield return new(temporal, "Where is the <FL> sounding instrument?", 102,
            (s, r) => [FirstOrLast(r)],
            (s, a) => UniqueByOnset(s, a[0] == "first")?.Region);
        yield return new(temporal, "Which <Object> makes the sound <FL>?", 84,
            (s, r) => [Pick(Types(s.VisibleSounding) is { Length: > 0 } t ? t : [""], r), FirstOrLast(r)],
            (s, a) => WhichPlayer(s, a[0], a[1] == "first"));
        yield return new(temporal, "Which instrument makes sounds <BA> the <Object>?", 53,
            (s, r) => [r.Bernoulli(0.5) ? "before" : "after", Pick(Types(s.VisibleSounding) is { Length: > 0 } t ? t : [""], r)],
            (s, a) => Adjacent(s, a[0] == "before", a[1]));
    }

    private static string FirstOrLast(SyntheticRandom rng) => rng.Bernoulli(0.92) ? "first" : "last";

    /// <summary>Among the players that come in together first (last), the left/middle/right one.</summary>
    private static string? InGroup(Scene scene, string position, bool first)
    {
        var sounding = scene.VisibleSounding.ToList();
        if (sounding.Count < 2) return null;
        int onset = first ? sounding.Min(i => i.Onset) : sounding.Max(i => i.Onset);
        var group = sounding.Where(i => i.Onset == onset).OrderBy(i => i.X).ToList();
        if (group.Count < 2) return null;
        return position switch
        {
            "left" => group[0].Instrument,
            "right" => group[^1].Instrument,
            _ => group.Count % 2 == 1 ? group[group.Count / 2].Instrument : null,
        };
    }

    private static string? Loudest(Scene scene, bool loudest)
    {
        var sounding = scene.VisibleSounding.ToList();
        if (sounding.Count < 2) return null;
        return (loudest ? sounding.MaxBy(i => i.MeanLoudness) : sounding.MinBy(i => i.MeanLoudness))!.Region;
    }

    /// <summary>The other on-screen type that overlaps most in time with <paramref name="type"/> (a unique maximum).</summary>
    private static string? SameTime(Scene scene, string type)
    {
        if (!scene.VisibleSounding.Any(i => i.Instrument == type)) return null;
        var overlaps = Types(scene.VisibleSounding).Where(t => t != type)
            .Select(t => (t, n: Enumerable.Range(0, scene.Segments).Count(s =>
                TypeSoundsAt(scene.Visible, type, s) && TypeSoundsAt(scene.Visible, t, s))))
            .Where(p => p.n > 0).OrderByDescending(p => p.n).ToList();
        if (overlaps.Count == 0 || (overlaps.Count > 1 && overlaps[1].n == overlaps[0].n)) return null;
        return overlaps[0].t;
    }

    /// <summary>The k-th kind of instrument to come in, when its moment is shared with no other kind.</summary>
    private static string? NthType(Scene scene, int k)
    {
        var onsets = TypeOnsets(scene);
        if (k < 0 || k >= onsets.Count) return null;
        bool unique = onsets.Count(p => p.Onset == onsets[k].Onset) == 1 && onsets.Take(k).Select(p => p.Onset).Distinct().Count() == k;
        return unique ? onsets[k].Type : null;
    }

    /// <summary>Which of several players of one type comes in first (last): its region, or "simultaneously".</summary>
    private static string? WhichPlayer(Scene scene, string type, bool first)
    {
        var players = scene.VisibleSounding.Where(i => i.Instrument == type).ToList();
        if (players.Count < 2) return null;
        int onset = first ? players.Min(i => i.Onset) : players.Max(i => i.Onset);
        var at = players.Where(i => i.Onset == onset).ToList();
        if (at.Count > 1) return "simultaneously";
        string region = at[0].Region;
        return players.Count(i => i.Region == region) == 1 ? region : null;
    }

    /// <summary>The kind of instrument that comes in just before (after) <paramref name="type"/>.</summary>
    private static string? Adjacent(Scene scene, bool before, string type)
    {
        var onsets = TypeOnsets(scene);
        int k = onsets.FindIndex(p => p.Type == type);
        if (k < 0) return null;
        int onset = onsets[k].Onset;
        var side = onsets.Where(p => before ? p.Onset < onset : p.Onset > onset).ToList();
        if (side.Count == 0) return null;
        int nearest = before ? side.Max(p => p.Onset) : side.Min(p => p.Onset);
        var at = side.Where(p => p.Onset == nearest).ToList();
        return at.Count == 1 && onsets.Count(p => p.Onset == onset) == 1 ? at[0].Type : null;
    }
}
