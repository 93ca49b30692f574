using Microsoft.ML.MissingModality.Data;
using static Microsoft.ML.MissingModality.Datasets.Synthetic.TemplateFacts;

namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// The eight Visual templates: they depend only on what is on screen (instruments, positions, venue), never on
/// whether anything sounds.
/// </summary>
internal static class VisualTemplates
{
    public static IEnumerable<QuestionTemplate> Create()
    {
        var counting = QuestionType.VisualCounting;
        var location = QuestionType.VisualLocation;
        yield return new(counting, "Are there <Object> and <Object> instruments in the video?", 123,
            (s, r) => PickPair(Types(s.Visible), 0.9, r),
            (s, a) => a[0] == a[1] ? null : YesNo(s.Visible.Any(i => i.Instrument == a[0]) && s.Visible.Any(i => i.Instrument == a[1])));
        yield return new(counting, "How many <Object> are in the entire video?", 176,
            (s, r) => [PickInOrOut(Types(s.Visible), 0.93, r, Types(s.Heard))],
            (s, a) => MusicAvqaVocabulary.CountWord(s.Visible.Count(i => i.Instrument == a[0])));
        yield return new(counting, "How many types of musical instruments appeared in the entire video?", 162,
            (s, r) => [],
            (s, a) => MusicAvqaVocabulary.CountWord(Types(s.Visible).Length));
        yield return new(counting, "Is there a <Object> in the entire video?", 139,
            (s, r) => [PickInOrOut(Types(s.Visible), 0.7, r, Types(s.Heard))],
            (s, a) => YesNo(s.Visible.Any(i => i.Instrument == a[0])));
        yield return new(location, "What is the instrument on the <LR> of <Object>?", 194,
            (s, r) => [r.Bernoulli(0.5) ? "left" : "right", Pick(Types(s.Visible), r)],
            (s, a) => Neighbour(s, a[0], a[1]));
        yield return new(location, "What kind of instrument is the <LRer> instrument? ", 135,
            (s, r) => [r.Bernoulli(0.6) ? "leftest" : "rightest"],
            (s, a) => Extreme(s, a[0]));
        yield return new(location, "What kind of musical instrument is it?", 133,
            (s, r) => [],
            (s, a) => Types(s.Visible) is [var only] ? only : null);
        yield return new(location, "Where is the performance?", 151,
            (s, r) => [],
            (s, a) => s.Venue);
    }

    /// <summary>The nearest instrument on that side of the only player of <paramref name="type"/>.</summary>
    private static string? Neighbour(Scene scene, string side, string type)
    {
        var of = scene.Visible.Where(i => i.Instrument == type).ToList();
        if (of.Count != 1) return null;
        float x = of[0].X;
        var candidates = scene.Visible.Where(i => side == "left" ? i.X < x : i.X > x);
        var nearest = side == "left" ? candidates.MaxBy(i => i.X) : candidates.MinBy(i => i.X);
        return nearest?.Instrument;
    }

    /// <summary>The leftmost or rightmost instrument, when at least two are seen.</summary>
    private static string? Extreme(Scene scene, string which)
    {
        var seen = scene.Visible.ToList();
        if (seen.Count < 2) return null;
        return (which == "leftest" ? seen.MinBy(i => i.X) : seen.MaxBy(i => i.X))!.Instrument;
    }
}
