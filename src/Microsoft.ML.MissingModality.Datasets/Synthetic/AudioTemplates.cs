using Microsoft.ML.MissingModality.Data;
using static Microsoft.ML.MissingModality.Datasets.Synthetic.TemplateFacts;

namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// The six Audio templates. "Heard" means every sounding instrument, on or off screen: the soundtrack alone cannot
/// tell where a sound comes from. Per-type loudness is the loudness of the type's sound — its players summed, as a
/// section in unison is heard (generator version 3; version 2 took the loudest player) — averaged over the segments
/// in which it sounds; rhythm is the mean over its parts (players in unison are heard as one), and duration the
/// segments in which any of them plays.
/// </summary>
internal static class AudioTemplates
{
    public static IEnumerable<QuestionTemplate> Create()
    {
        var counting = QuestionType.AudioCounting;
        var comparative = QuestionType.AudioComparative;
        yield return new(counting, "Is there a <Object> sound?", 168,
            (s, r) => [PickInOrOut(Types(s.Heard), 0.7, r, Types(s.Visible))],
            (s, a) => YesNo(s.Heard.Any(i => i.Instrument == a[0])));
        yield return new(counting, "Are there <Object> and <Object> sound? ", 153,
            (s, r) => PickPair(Types(s.Heard), 0.9, r),
            (s, a) => a[0] == a[1] ? null : YesNo(s.Heard.Any(i => i.Instrument == a[0]) && s.Heard.Any(i => i.Instrument == a[1])));
        yield return new(counting, "How many musical instruments were heard throughout the video?", 190,
            (s, r) => [],
            (s, a) => MusicAvqaVocabulary.CountWord(SceneSampler.Parts(s).Count));
        yield return new(comparative, "Is the <Object> louder than the <Object>?", 140,
            (s, r) => HeardPair(s, r),
            (s, a) => Compare(s, a, g => SummedLoudness(g, s.Segments)));
        yield return new(comparative, "Is the <Object> more rhythmic than the <Object>?", 86,
            (s, r) => HeardPair(s, r),
            (s, a) => Compare(s, a, g => PartRhythm(s, g[0].Instrument)));
        yield return new(comparative, "Is the <Object> playing longer than the <Object>?", 69,
            (s, r) => HeardPair(s, r),
            (s, a) => Compare(s, a, g => Enumerable.Range(0, s.Segments).Count(t => g.Any(i => i.SoundsAt(t)))));
    }

    private static string[] HeardPair(Scene scene, SyntheticRandom rng)
    {
        var heard = Types(scene.Heard).ToList();
        if (heard.Count < 2) return ["", ""];
        rng.Shuffle(heard);
        return [heard[0], heard[1]];
    }

    /// <summary>The summed loudness of <paramref name="players"/>, averaged over the segments in which any sounds.</summary>
    private static double SummedLoudness(List<SceneInstrument> players, int segments)
    {
        var sums = Enumerable.Range(0, segments).Select(t => players.Sum(i => (double)i.Loudness[t])).Where(l => l > 0).ToList();
        return sums.Count == 0 ? 0 : sums.Average();
    }

    /// <summary>The mean rhythm of the parts of <paramref name="type"/> that audio hears.</summary>
    private static double PartRhythm(Scene scene, string type) =>
        SceneSampler.Parts(scene).Where(p => p.Type == type).Average(p => (double)p.Rhythm);

    private static string? Compare(Scene scene, IReadOnlyList<string> args, Func<List<SceneInstrument>, double> measure)
    {
        var a = scene.Heard.Where(i => i.Instrument == args[0]).ToList();
        var b = scene.Heard.Where(i => i.Instrument == args[1]).ToList();
        if (args[0] == args[1] || a.Count == 0 || b.Count == 0) return null;
        return YesNo(measure(a) > measure(b));
    }
}
