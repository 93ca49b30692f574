using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// What each question type needs: accuracies of reference answerers that use no features — the template's
/// majority answer, the question text, the scene facts audio can observe, those the picture can observe, and the
/// whole scene — fitted on one split and evaluated on another.
/// </summary>
public sealed partial class DifficultyReport
{
    /// <summary>Posterior samples per question of the audio and visual oracles.</summary>
    public const int DefaultOracleSamples = 15;

    private DifficultyReport(string preset, int seed, string fitSplit, string evalSplit, IReadOnlyList<DifficultyReportRow> rows)
    {
        Preset = preset;
        Seed = seed;
        FitSplit = fitSplit;
        EvalSplit = evalSplit;
        Rows = rows;
    }

    /// <summary>The preset the report is about.</summary>
    public string Preset { get; }

    /// <summary>The dataset seed.</summary>
    public int Seed { get; }

    /// <summary>The split the majority and question-only answerers were fitted on.</summary>
    public string FitSplit { get; }

    /// <summary>The split the accuracies are measured on.</summary>
    public string EvalSplit { get; }

    /// <summary>The nine types (paper order), then the groups Audio, Visual, Audio-Visual, then All.</summary>
    public IReadOnlyList<DifficultyReportRow> Rows { get; }

    /// <summary>Computes the report from scenes and questions only (no features are rendered).</summary>
    /// <param name="generator">The dataset to analyse.</param>
    /// <param name="fitSplit">Split to fit the majority and question-only answerers on.</param>
    /// <param name="evalSplit">Split to evaluate on.</param>
    /// <param name="oracleSamples">Posterior samples per question for the audio and visual oracles.</param>
    public static DifficultyReport Compute(
        SyntheticGenerator generator, string fitSplit = "train", string evalSplit = "test", int oracleSamples = DefaultOracleSamples)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(oracleSamples, 1);
        var byTemplate = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var byQuestion = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var q in generator.Stream(fitSplit, renderFeatures: false).SelectMany(v => v.Questions))
        {
            Count(byTemplate, Key(q.Template), q.Record.Answer);
            Count(byQuestion, q.Template.Type + "|" + q.Record.Question, q.Record.Answer);
        }
        var templateMajority = byTemplate.ToDictionary(p => p.Key, p => Mode(p.Value));
        var questionMajority = byQuestion.ToDictionary(p => p.Key, p => Mode(p.Value));

        var audio = ViewOracle.Audio(oracleSamples);
        var visual = ViewOracle.Visual(oracleSamples);
        var results = new List<(QuestionType Type, bool[] Correct)>();
        int index = 0;
        foreach (var video in generator.Stream(evalSplit, renderFeatures: false))
        {
            foreach (var q in video.Questions)
            {
                var rng = new SyntheticRandom(SyntheticRandom.Derive((ulong)generator.Seed, 0x0AC1E, (ulong)index++));
                string truth = q.Record.Answer;
                string majority = templateMajority.GetValueOrDefault(Key(q.Template), "yes");
                string questionOnly = questionMajority.GetValueOrDefault(q.Template.Type + "|" + q.Record.Question, majority);
                results.Add((q.Template.Type,
                [
                    majority == truth,
                    questionOnly == truth,
                    audio.Answer(q, video.Scene, majority, rng) == truth,
                    visual.Answer(q, video.Scene, majority, rng) == truth,
                    q.Template.Answer(video.Scene, q.Arguments) == truth,
                ]));
            }
        }
        var rows = new List<DifficultyReportRow>();
        foreach (var type in QuestionType.All)
            rows.Add(Row(type.ToString(), results.Where(r => r.Type == type)));
        foreach (var group in Enum.GetValues<QuestionGroup>())
            rows.Add(Row(QuestionType.GroupNameOf(group), results.Where(r => r.Type.Group == group)));
        rows.Add(Row("All", results));
        return new DifficultyReport(generator.Preset.Name, generator.Seed, fitSplit, evalSplit, rows);
    }

    private static string Key(QuestionTemplate t) => t.Type + "|" + t.Text;

    private static void Count(Dictionary<string, Dictionary<string, int>> counts, string key, string answer)
    {
        if (!counts.TryGetValue(key, out var c)) counts[key] = c = new(StringComparer.Ordinal);
        c[answer] = c.GetValueOrDefault(answer) + 1;
    }

    private static string Mode(Dictionary<string, int> counts) =>
        counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).First().Key;

    private static DifficultyReportRow Row(string name, IEnumerable<(QuestionType Type, bool[] Correct)> rows)
    {
        var list = rows.ToList();
        double Acc(int k) => list.Count == 0 ? 0 : list.Count(r => r.Correct[k]) / (double)list.Count;
        return new DifficultyReportRow(name, list.Count, Acc(0), Acc(1), Acc(2), Acc(3), Acc(4));
    }
}
