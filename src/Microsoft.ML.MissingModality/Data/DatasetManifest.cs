using System.Text;
using System.Text.Json;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// A dataset directory's manifest, <c>dataset.json</c>: the schema version, the feature shapes and, per split,
/// the file names and counts (videos, questions, missing modalities, questions per type).
/// </summary>
/// <param name="SchemaVersion">The dataset schema version, <see cref="DatasetSchema.Version"/> when written by this library.</param>
/// <param name="Shape">The per-video feature shapes.</param>
/// <param name="Splits">The splits by name (e.g. <c>train</c>, <c>val</c>, <c>test</c>).</param>
public sealed record DatasetManifest(string SchemaVersion, FeatureShape Shape, IReadOnlyDictionary<string, SplitManifest> Splits)
{
    /// <summary>Reads <c>dataset.json</c> from a dataset directory and checks its schema version.</summary>
    /// <exception cref="AvqaDataException">The manifest is missing, malformed or of another schema version.</exception>
    public static DatasetManifest Load(string directory)
    {
        string path = Path.Combine(directory, DatasetSchema.ManifestFileName);
        if (!File.Exists(path))
            throw new AvqaDataException(path, null, null, $"No {DatasetSchema.ManifestFileName} here: '{directory}' is not a dataset directory.");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return Parse(doc.RootElement, path);
        }
        catch (JsonException e)
        {
            throw new AvqaDataException(path, null, null, $"Malformed JSON: {e.Message}", e);
        }
    }

    /// <summary>Writes the manifest as indented JSON (the caller makes the write atomic).</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson(), new UTF8Encoding(false));

    /// <summary>The manifest as indented JSON text.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", "avqa-dataset");
            w.WriteString("schemaVersion", SchemaVersion);
            w.WriteStartObject("shape");
            w.WriteNumber("segments", Shape.Segments);
            w.WriteNumber("audioDim", Shape.AudioDim);
            WriteArray(w, "visualDims", Shape.VisualDims);
            WriteArray(w, "audioShape", Shape.AudioShape);
            WriteArray(w, "visualShape", Shape.VisualShape);
            w.WriteEndObject();
            w.WriteStartObject("splits");
            foreach (var (name, s) in Splits)
            {
                w.WriteStartObject(name);
                w.WriteString("videosFile", s.VideosFile);
                w.WriteString("questionsFile", s.QuestionsFile);
                w.WriteNumber("videos", s.Videos);
                w.WriteNumber("questions", s.Questions);
                w.WriteNumber("videosMissingAudio", s.VideosMissingAudio);
                w.WriteNumber("videosMissingVisual", s.VideosMissingVisual);
                w.WriteStartObject("questionTypes");
                foreach (var (type, count) in s.QuestionTypes)
                    w.WriteNumber(type, count);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<int> values)
    {
        w.WriteStartArray(name);
        foreach (int v in values)
            w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    private static DatasetManifest Parse(JsonElement root, string path)
    {
        string version = Required(root, "schemaVersion", path).GetString() ?? "";
        if (version != DatasetSchema.Version)
            throw new AvqaDataException(path, "schemaVersion", null, $"Schema version '{version}' is not supported; this library reads {DatasetSchema.Version}.");
        var shapeElement = Required(root, "shape", path);
        FeatureShape shape;
        try
        {
            shape = new FeatureShape(
                Required(shapeElement, "segments", path).GetInt32(),
                Required(shapeElement, "audioDim", path).GetInt32(),
                Required(shapeElement, "visualDims", path).EnumerateArray().Select(e => e.GetInt32()).ToArray());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new AvqaDataException(path, "shape", null, e.Message, e);
        }
        var splits = new Dictionary<string, SplitManifest>(StringComparer.Ordinal);
        foreach (var split in Required(root, "splits", path).EnumerateObject())
        {
            var s = split.Value;
            var types = new Dictionary<string, long>(StringComparer.Ordinal);
            if (s.TryGetProperty("questionTypes", out var typesElement))
            {
                foreach (var t in typesElement.EnumerateObject())
                    types[t.Name] = t.Value.GetInt64();
            }
            splits[split.Name] = new SplitManifest(
                Required(s, "videosFile", path).GetString()!,
                Required(s, "questionsFile", path).GetString()!,
                Required(s, "videos", path).GetInt64(),
                Required(s, "questions", path).GetInt64(),
                s.TryGetProperty("videosMissingAudio", out var ma) ? ma.GetInt64() : 0,
                s.TryGetProperty("videosMissingVisual", out var mv) ? mv.GetInt64() : 0,
                types);
        }
        return new DatasetManifest(version, shape, splits);
    }

    private static JsonElement Required(JsonElement e, string name, string path) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v
            : throw new AvqaDataException(path, name, null, $"Required field '{name}' is missing.");
}
