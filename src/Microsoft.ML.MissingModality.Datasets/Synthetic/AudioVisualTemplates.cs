using Microsoft.ML.MissingModality.Data;
using static Microsoft.ML.MissingModality.Datasets.Synthetic.TemplateFacts;

namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// The Audio-Visual Existential, Counting and Comparative templates: each ties what is heard to what is seen.
/// "In the video" means on screen; off-screen sounds count only where the question is about them.
/// </summary>
internal static class AudioVisualTemplates
{
    public static IEnumerable<QuestionTemplate> Create()
    {
        var existential = QuestionType.AudioVisualExistential;
        var counting = QuestionType.AudioVisualCounting;
        var comparative = QuestionType.AudioVisualComparative;
        yield return new(existential, "Is the <Object> in the video always playing?", 143,
            (s, r) => [Pick(Types(s.Visible), r)],
            (s, a) => !s.Visible.Any(i => i.Instrument == a[0]) ? null
                : YesNo(Enumerable.Range(0, s.Segments).All(t => TypeSoundsAt(s.Visible, a[0], t))));
        yield return new(existential, "Is there a voiceover?", 219,
            (s, r) => [],
            (s, a) => YesNo(s.HasVoiceover));
        yield return new(existential, "Is this sound from the instrument in the video?", 133,
            (s, r) => [],
            (s, a) => YesNo(s.Heard.All(i => i.OnScreen)));
        yield return new(counting, "How many instruments are sounding in the video?", 143,
            (s, r) => [],
            (s, a) => MusicAvqaVocabulary.CountWord(s.VisibleSounding.Count()));
        yield return new(counting, "How many instruments in the video did not sound from beginning to end?", 148,
            (s, r) => [],
            (s, a) => MusicAvqaVocabulary.CountWord(s.Visible.Count(i => !i.IsSounding)));
        yield return new(counting, "How many sounding <Object> in the video？", 203,
            (s, r) => [PickInOrOut(Types(s.Visible), 0.87, r, Types(s.Heard))],
            (s, a) => MusicAvqaVocabulary.CountWord(s.VisibleSounding.Count(i => i.Instrument == a[0])));
        yield return new(counting, "How many types of musical instruments sound in the video?", 139,
            (s, r) => [],
            (s, a) => MusicAvqaVocabulary.CountWord(Types(s.VisibleSounding).Length));
        yield return new(comparative, "Is the <Object> on the <LR> louder than the <Object> on the <LR>?", 163,
            (s, r) => NamedPair(s, r, byType: true),
            (s, a) => CompareNamed(s, a[0], a[1], a[2], a[3], i => i.MeanLoudness, needsSound: false));
        yield return new(comparative, "Is the <Object> on the <LR> more rhythmic than the <Object> on the <LR>?", 122,
            (s, r) => NamedPair(s, r, byType: true),
            (s, a) => CompareNamed(s, a[0], a[1], a[2], a[3], i => i.Rhythm, needsSound: true));
        yield return new(comparative, "Is the instrument on the <LR> louder than the instrument on the <LR>?", 161,
            (s, r) => NamedPair(s, r, byType: false),
            (s, a) => CompareNamed(s, null, a[0], null, a[1], i => i.MeanLoudness, needsSound: false));
        yield return new(comparative, "Is the instrument on the <LR> more rhythmic than the instrument on the <LR>?", 103,
            (s, r) => NamedPair(s, r, byType: false),
            (s, a) => CompareNamed(s, null, a[0], null, a[1], i => i.Rhythm, needsSound: true));
    }

    /// <summary>Two on-screen players nameable without ambiguity (sounding ones preferred), left one first most often.</summary>
    private static string[] NamedPair(Scene scene, SyntheticRandom rng, bool byType)
    {
        var nameable = Nameable(scene, byType);
        var sounding = nameable.Where(i => i.IsSounding).ToList();
        var pool = sounding.Count >= 2 ? sounding : nameable;
        if (pool.Count < 2) return byType ? ["", "", "", ""] : ["", ""];
        rng.Shuffle(pool);
        var (a, b) = (pool[0], pool[1]);
        if ((a.X > b.X) == rng.Bernoulli(0.8)) (a, b) = (b, a);
        return byType ? [a.Instrument, a.Region, b.Instrument, b.Region] : [a.Region, b.Region];
    }

    private static string? CompareNamed(Scene scene, string? typeA, string regionA, string? typeB, string regionB,
        Func<SceneInstrument, double> measure, bool needsSound)
    {
        if (typeA == typeB && regionA == regionB) return null;
        var a = Referent(scene, typeA, regionA);
        var b = Referent(scene, typeB, regionB);
        if (a is null || b is null || ReferenceEquals(a, b)) return null;
        if (needsSound && (!a.IsSounding || !b.IsSounding)) return null;
        return YesNo(measure(a) > measure(b));
    }
}
