using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Analysis;
using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Evaluation;

/// <summary>
/// AVQA accuracy in the layout of the paper's Tables 1 and 3: each of the nine MUSIC-AVQA question types, the three
/// groups pooled over their rows (Audio, Visual, Audio-Visual), and overall ("All Avg" = all correct / all rows).
/// </summary>
public sealed class AvqaMetrics
{
    private readonly Dictionary<QuestionType, AccuracyCount> _types;

    private AvqaMetrics(Dictionary<QuestionType, AccuracyCount> types)
    {
        _types = types;
        Groups = Enum.GetValues<QuestionGroup>().ToDictionary(
            group => group,
            group => QuestionType.All.Where(t => t.Group == group).Aggregate(default(AccuracyCount), (sum, t) => sum + this[t]));
        Overall = Groups.Values.Aggregate(default(AccuracyCount), (sum, g) => sum + g);
    }

    /// <summary>Counts for one question type (zero rows when the type did not occur).</summary>
    public AccuracyCount this[QuestionType type] => _types.GetValueOrDefault(type);

    /// <summary>Counts per question type, in the paper's column order.</summary>
    public IReadOnlyList<KeyValuePair<QuestionType, AccuracyCount>> Types =>
        QuestionType.All.Select(t => new KeyValuePair<QuestionType, AccuracyCount>(t, this[t])).ToArray();

    /// <summary>Counts per group, pooled over the group's rows.</summary>
    public IReadOnlyDictionary<QuestionGroup, AccuracyCount> Groups { get; }

    /// <summary>All rows.</summary>
    public AccuracyCount Overall { get; }

    /// <summary>
    /// ML.NET's multiclass metrics over the answer vocabulary (micro and macro accuracy, log-loss, top-K accuracy,
    /// confusion matrix), when the evaluated data carried the answerer's scores; null otherwise.
    /// </summary>
    public AnswerMetrics? Answers { get; internal set; }

    /// <summary>Overall accuracy in [0, 1] ("All Avg").</summary>
    public double Accuracy => Overall.Accuracy;

    /// <summary>Builds the metrics from one (type, answered correctly) pair per evaluated row.</summary>
    public static AvqaMetrics FromOutcomes(IEnumerable<(QuestionType Type, bool Correct)> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var types = new Dictionary<QuestionType, AccuracyCount>();
        foreach (var (type, correct) in outcomes)
            types[type] = types.GetValueOrDefault(type).Add(correct);
        return new AvqaMetrics(types);
    }

    /// <summary>
    /// A markdown table in the paper's layout: one row named <paramref name="rowLabel"/> with the nine types (in
    /// percent), the group averages and "All Avg". Types with no rows show "—".
    /// </summary>
    public string ToMarkdown(string rowLabel = "accuracy (%)") => ToMarkdownTable([(rowLabel, this)]);

    /// <summary>Several evaluations as one markdown table in the paper's layout, a row each (e.g. one per scenario).</summary>
    public static string ToMarkdownTable(IEnumerable<(string RowLabel, AvqaMetrics Metrics)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToList();
        if (list.Count == 0)
            throw new ArgumentException("At least one row is needed.", nameof(rows));
        var table = new StringBuilder();
        for (int i = 0; i < list.Count; i++)
        {
            string[] lines = list[i].Metrics.MarkdownLines(list[i].RowLabel);
            if (i == 0)
                table.Append(lines[0]).Append('\n').Append(lines[1]).Append('\n');
            table.Append(lines[2]).Append('\n');
        }
        return table.ToString();
    }

    /// <summary>
    /// The short form of <see cref="ToMarkdownTable"/> for a terminal: the averages of the three groups (Audio,
    /// Visual, Audio-Visual) and of all rows, a row per evaluation; 40 characters plus the longest row label.
    /// </summary>
    public static string ToSummaryMarkdownTable(IEnumerable<(string RowLabel, AvqaMetrics Metrics)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToList();
        if (list.Count == 0)
            throw new ArgumentException("At least one row is needed.", nameof(rows));
        var columns = Enum.GetValues<QuestionGroup>()
            .Select(g => (Name: QuestionType.GroupNameOf(g), Count: (Func<AvqaMetrics, AccuracyCount>)(m => m.Groups[g])))
            .Append((Name: "All", Count: m => m.Overall))
            .Select(c => (c.Name, c.Count, Width: Math.Max(c.Name.Length, 6)))
            .ToList();
        int labelWidth = list.Max(r => r.RowLabel.Length);
        var table = new StringBuilder("| ").Append(new string(' ', labelWidth)).Append(" |");
        foreach (var column in columns)
            table.Append(' ').Append(column.Name.PadLeft(column.Width)).Append(" |");
        table.Append("\n|").Append(new string('-', labelWidth + 2)).Append('|');
        foreach (var column in columns)
            table.Append(new string('-', column.Width + 1)).Append(":|");
        table.Append('\n');
        foreach (var (label, metrics) in list)
        {
            table.Append("| ").Append(label.PadRight(labelWidth)).Append(" |");
            foreach (var column in columns)
                table.Append(' ').Append(Percent(column.Count(metrics)).PadLeft(column.Width)).Append(" |");
            table.Append('\n');
        }
        return table.ToString();
    }

    /// <summary>
    /// One evaluation as a narrow markdown table for a terminal: a row per question type, per group and for all rows
    /// (questions, answered correctly, accuracy in percent), about 60 characters wide.
    /// </summary>
    public string ToMarkdownBySlice()
    {
        var rows = Types.Select(t => (Label: t.Key.ToString(), Count: t.Value))
            .Concat(Groups.Select(g => (Label: $"**{QuestionType.GroupNameOf(g.Key)}**", Count: g.Value)))
            .Append((Label: "**All**", Count: Overall))
            .ToList();
        int width = Math.Max("question type".Length, rows.Max(r => r.Label.Length));
        var table = new StringBuilder();
        table.Append("| ").Append("question type".PadRight(width)).Append(" | questions | correct | accuracy (%) |\n");
        table.Append("|").Append(new string('-', width + 2)).Append("|----------:|--------:|-------------:|\n");
        foreach (var (label, count) in rows)
            table.Append("| ").Append(label.PadRight(width))
                .Append(" | ").Append(count.Rows.ToString(CultureInfo.InvariantCulture).PadLeft(9))
                .Append(" | ").Append(count.Correct.ToString(CultureInfo.InvariantCulture).PadLeft(7))
                .Append(" | ").Append(Percent(count).PadLeft(12)).Append(" |\n");
        return table.ToString();
    }

    private string[] MarkdownLines(string rowLabel)
    {
        var header = new StringBuilder("| |");
        var rule = new StringBuilder("|---|");
        var values = new StringBuilder($"| {rowLabel} |");
        void Column(string name, AccuracyCount count)
        {
            header.Append(' ').Append(name).Append(" |");
            rule.Append("---:|");
            values.Append(' ').Append(Percent(count)).Append(" |");
        }
        foreach (var group in Enum.GetValues<QuestionGroup>())
        {
            foreach (var type in QuestionType.All.Where(t => t.Group == group))
                Column($"{QuestionType.GroupNameOf(group)} {type.Name}", this[type]);
            Column($"{QuestionType.GroupNameOf(group)} Avg", Groups[group]);
        }
        Column("All Avg", Overall);
        return [header.ToString(), rule.ToString(), values.ToString()];
    }

    /// <summary>
    /// The JSON the CLI writes: <c>{"scenario":..,"rows":..,"overall":..,"groups":{"Audio":..,"Visual":..,
    /// "Audio-Visual":..},"types":{"Audio/Counting":..,...}}</c>, accuracies in [0, 1] (null for a slice with no rows),
    /// plus row counts per slice under <c>"counts"</c>, and, when <see cref="Answers"/> is known, the multiclass
    /// metrics under <c>"answers"</c>.
    /// </summary>
    public string ToJson(string scenario)
    {
        static JsonNode? Value(AccuracyCount c) => c.Rows == 0 ? null : JsonValue.Create(Math.Round(c.Accuracy, 6));
        var groups = new JsonObject();
        foreach (var (group, count) in Groups)
            groups[QuestionType.GroupNameOf(group)] = Value(count);
        var types = new JsonObject();
        var counts = new JsonObject();
        foreach (var (type, count) in Types)
        {
            types[type.ToString()] = Value(count);
            counts[type.ToString()] = count.Rows;
        }
        var root = new JsonObject
        {
            ["scenario"] = scenario,
            ["rows"] = Overall.Rows,
            ["overall"] = Value(Overall),
            ["groups"] = groups,
            ["types"] = types,
            ["counts"] = counts,
        };
        if (Answers is { } a)
            root["answers"] = new JsonObject
            {
                ["microAccuracy"] = Rounded(a.MicroAccuracy),
                ["macroAccuracy"] = Rounded(a.MacroAccuracy),
                ["logLoss"] = Rounded(a.LogLoss),
                ["topK"] = a.TopKPredictionCount,
                ["topKAccuracy"] = Rounded(a.TopKAccuracy),
                ["unseenAnswerRows"] = a.UnseenAnswerRows,
            };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonNode? Rounded(double value) => double.IsNaN(value) ? null : JsonValue.Create(Math.Round(value, 6));

    /// <summary>
    /// The metrics as a <see cref="DataFrame"/> (for notebooks and further analysis): one row per question type, then
    /// one per group and one for all rows, with columns Slice, Group, Rows, Correct and Accuracy (in [0, 1], NaN
    /// where a slice has no rows).
    /// </summary>
    public DataFrame ToDataFrame()
    {
        var slices = Types.Select(t => (Slice: t.Key.ToString(), Group: t.Key.GroupName, Count: t.Value))
            .Concat(Groups.Select(g => (Slice: QuestionType.GroupNameOf(g.Key), Group: QuestionType.GroupNameOf(g.Key), Count: g.Value)))
            .Append((Slice: "All", Group: "All", Count: Overall))
            .ToList();
        return new DataFrame(
            new StringDataFrameColumn("Slice", slices.Select(s => s.Slice)),
            new StringDataFrameColumn("Group", slices.Select(s => s.Group)),
            new Int64DataFrameColumn("Rows", slices.Select(s => (long?)s.Count.Rows)),
            new Int64DataFrameColumn("Correct", slices.Select(s => (long?)s.Count.Correct)),
            new DoubleDataFrameColumn("Accuracy", slices.Select(s => (double?)s.Count.Accuracy)));
    }

    private static string Percent(AccuracyCount count) =>
        count.Rows == 0 ? "—" : (100 * count.Accuracy).ToString("F2", CultureInfo.InvariantCulture);
}
