using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>Markdown and JSON renderings of the report.</summary>
public sealed partial class DifficultyReport
{
    /// <summary>A markdown table: one row per type, group and All; accuracies in percent.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"Difficulty of preset `{Preset}` (seed {Seed}): answerers fitted on `{FitSplit}`, accuracy (%) on `{EvalSplit}`.");
        sb.AppendLine();
        sb.AppendLine("| Question type | Questions | Majority per template | Question only | Audio-only oracle | Visual-only oracle | Full oracle |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Rows)
        {
            bool pooled = !r.Name.Contains('/');
            string name = pooled ? $"**{r.Name}**" : r.Name;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {r.Questions} | {P(r.Majority)} | {P(r.QuestionOnly)} | {P(r.AudioOracle)} | {P(r.VisualOracle)} | {P(r.FullOracle)} |");
        }
        return sb.ToString();
    }

    /// <summary>The report as indented JSON (accuracies as fractions 0..1).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("preset", Preset);
            w.WriteNumber("seed", Seed);
            w.WriteString("fitSplit", FitSplit);
            w.WriteString("evalSplit", EvalSplit);
            w.WriteStartArray("rows");
            foreach (var r in Rows)
            {
                w.WriteStartObject();
                w.WriteString("name", r.Name);
                w.WriteNumber("questions", r.Questions);
                w.WriteNumber("majority", Math.Round(r.Majority, 6));
                w.WriteNumber("questionOnly", Math.Round(r.QuestionOnly, 6));
                w.WriteNumber("audioOracle", Math.Round(r.AudioOracle, 6));
                w.WriteNumber("visualOracle", Math.Round(r.VisualOracle, 6));
                w.WriteNumber("fullOracle", Math.Round(r.FullOracle, 6));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static string P(double fraction) => (100 * fraction).ToString("F1", CultureInfo.InvariantCulture);
}
