using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Datasets;

/// <summary>
/// Parses MUSIC-AVQA's official question JSON: a list of records with <c>video_id</c>, <c>question_id</c>,
/// <c>type</c> (a JSON list inside a string), <c>question_content</c> (with <c>&lt;...&gt;</c> placeholders),
/// <c>templ_values</c> (a JSON list inside a string) and <c>anser</c> (sic). Errors name the file, field and record.
/// </summary>
internal static partial class MusicAvqaQuestionFile
{
    public static List<QuestionRecord> Read(string path)
    {
        if (!File.Exists(path))
            throw new AvqaDataException(path, null, null, "The questions file does not exist.");
        JsonDocument doc;
        try
        {
            // From a stream, which skips a UTF-8 byte-order mark (Windows editors write one; parsing bytes rejects it).
            using var stream = File.OpenRead(path);
            doc = JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new AvqaDataException(path, null, e.LineNumber, $"Malformed JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new AvqaDataException(path, null, null, "Expected a JSON list of question records.");
            var records = new List<QuestionRecord>(doc.RootElement.GetArrayLength());
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            int index = 0;
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                var record = Parse(e, path, index);
                if (!seen.TryAdd(record.QuestionId, index))
                    throw new AvqaDataException(path, "question_id", index, $"Duplicate question id {record.QuestionId} (first at record {seen[record.QuestionId]}).");
                records.Add(record);
                index++;
            }
            return records;
        }
    }

    private static QuestionRecord Parse(JsonElement e, string path, int index)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw new AvqaDataException(path, null, index, "Expected a JSON object.");
        string videoId = Scalar(e, "video_id", path, index);
        string questionId = Scalar(e, "question_id", path, index);
        string typeField = Text(e, "type", path, index);
        QuestionType type;
        try
        {
            type = QuestionType.ParseMusicAvqa(typeField);
        }
        catch (FormatException ex)
        {
            throw new AvqaDataException(path, "type", index, ex.Message, ex);
        }
        string template = Text(e, "question_content", path, index);
        string[] values = [];
        if (e.TryGetProperty("templ_values", out var tv) && tv.ValueKind == JsonValueKind.String)
        {
            try
            {
                values = JsonSerializer.Deserialize(tv.GetString()!, DatasetsJson.Default.StringArray) ?? [];
            }
            catch (JsonException ex)
            {
                throw new AvqaDataException(path, "templ_values", index, $"'{tv.GetString()}' is not a JSON list of strings.", ex);
            }
        }
        string answer = Text(e, "anser", path, index);
        return new QuestionRecord(questionId, videoId, Fill(template, values, path, index), type, template, answer);
    }

    /// <summary>Fills the template's <c>&lt;...&gt;</c> placeholders with the values, in order, as AVST does.</summary>
    public static string Fill(string template, IReadOnlyList<string> values, string path, int index)
    {
        int count = Placeholder().Count(template);
        if (count != values.Count)
            throw new AvqaDataException(path, "templ_values", index, $"The question has {count} placeholder(s) but {values.Count} value(s): '{template}'.");
        int next = 0;
        return Placeholder().Replace(template, _ => values[next++]);
    }

    private static string Scalar(JsonElement e, string name, string path, int index) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.String or JsonValueKind.Number && v.ToString().Length > 0
            ? v.ToString()
            : throw new AvqaDataException(path, name, index, $"Required field '{name}' is missing or not a string or number.");

    private static string Text(JsonElement e, string name, string path, int index) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new AvqaDataException(path, name, index, $"Required field '{name}' is missing or not a string.");

    [GeneratedRegex("<[^<>]*>")]
    private static partial Regex Placeholder();
}

/// <summary>Source-generated JSON (file-based apps and trimmed hosts turn reflection-based System.Text.Json off).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class DatasetsJson : System.Text.Json.Serialization.JsonSerializerContext;
