using System.Text;
using System.Text.Json;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// A dataset directory's manifest, <c>dataset.json</c>: the schema version, the feature shapes and, per split,
/// the table files (one shard or several) and counts (videos, questions, missing modalities, questions per type).
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
            // From a stream, which skips a UTF-8 byte-order mark (parsing bytes would reject it).
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream);
            return Parse(doc.RootElement, path);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or DecoderFallbackException)
        {
            // InvalidOperationException: text that is not valid UTF-8 fails only when a name or string is decoded.
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
                WriteShards(w, s.Shards);
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

    // One shard is written as the split's own file names (the layout of every unsharded dataset), several as a list.
    private static void WriteShards(Utf8JsonWriter w, IReadOnlyList<SplitShard> shards)
    {
        if (shards.Count == 1)
        {
            w.WriteString("videosFile", shards[0].VideosFile);
            w.WriteString("questionsFile", shards[0].QuestionsFile);
            return;
        }
        w.WriteStartArray("shards");
        foreach (var shard in shards)
        {
            w.WriteStartObject();
            w.WriteString("videosFile", shard.VideosFile);
            w.WriteString("questionsFile", shard.QuestionsFile);
            w.WriteNumber("videos", shard.Videos);
            w.WriteNumber("questions", shard.Questions);
            w.WriteEndObject();
        }
        w.WriteEndArray();
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
        if (root.ValueKind != JsonValueKind.Object)
            throw new AvqaDataException(path, null, null, $"Expected a JSON object, found {Describe(root)}.");
        string version = Text(Required(root, "schemaVersion", path), "schemaVersion", path);
        if (version != DatasetSchema.Version)
            throw new AvqaDataException(path, "schemaVersion", null, $"Schema version '{version}' is not supported; this library reads {DatasetSchema.Version}.");
        var shapeElement = Required(root, "shape", path);
        int segments = Int32(Required(shapeElement, "segments", path), "shape.segments", path);
        int audioDim = Int32(Required(shapeElement, "audioDim", path), "shape.audioDim", path);
        var dimsElement = Required(shapeElement, "visualDims", path);
        if (dimsElement.ValueKind != JsonValueKind.Array)
            throw new AvqaDataException(path, "shape.visualDims", null, $"Expected an array of integers, found {Describe(dimsElement)}.");
        int[] visualDims = dimsElement.EnumerateArray().Select(e => Int32(e, "shape.visualDims", path)).ToArray();
        FeatureShape shape;
        try
        {
            shape = new FeatureShape(segments, audioDim, visualDims);
        }
        catch (ArgumentException e)
        {
            throw new AvqaDataException(path, "shape", null, e.Message, e);
        }
        var splitsElement = Required(root, "splits", path);
        if (splitsElement.ValueKind != JsonValueKind.Object)
            throw new AvqaDataException(path, "splits", null, $"Expected an object of splits, found {Describe(splitsElement)}.");
        var splits = new Dictionary<string, SplitManifest>(StringComparer.Ordinal);
        foreach (var split in splitsElement.EnumerateObject())
        {
            var s = split.Value;
            string at = $"splits.{split.Name}";
            if (s.ValueKind != JsonValueKind.Object)
                throw new AvqaDataException(path, at, null, $"Expected an object, found {Describe(s)}.");
            var types = new Dictionary<string, long>(StringComparer.Ordinal);
            if (s.TryGetProperty("questionTypes", out var typesElement))
            {
                if (typesElement.ValueKind != JsonValueKind.Object)
                    throw new AvqaDataException(path, $"{at}.questionTypes", null, $"Expected an object of counts, found {Describe(typesElement)}.");
                foreach (var t in typesElement.EnumerateObject())
                    types[t.Name] = Count(t.Value, $"{at}.questionTypes.{t.Name}", path);
            }
            long videos = Count(Required(s, "videos", path), $"{at}.videos", path);
            long questions = Count(Required(s, "questions", path), $"{at}.questions", path);
            splits[split.Name] = new SplitManifest(
                Shards(s, at, videos, questions, path),
                videos,
                questions,
                s.TryGetProperty("videosMissingAudio", out var ma) ? Count(ma, $"{at}.videosMissingAudio", path) : 0,
                s.TryGetProperty("videosMissingVisual", out var mv) ? Count(mv, $"{at}.videosMissingVisual", path) : 0,
                types);
        }
        CheckFilesDistinct(splits, path);
        return new DatasetManifest(version, shape, splits);
    }

    /// <summary>A split's tables: its own <c>videosFile</c> and <c>questionsFile</c>, or a <c>shards</c> list whose counts add up to the split's.</summary>
    private static List<SplitShard> Shards(JsonElement split, string at, long videos, long questions, string path)
    {
        bool listed = split.TryGetProperty("shards", out var list);
        if (!listed)
        {
            return [new SplitShard(
                FileName(Required(split, "videosFile", path), $"{at}.videosFile", path),
                FileName(Required(split, "questionsFile", path), $"{at}.questionsFile", path),
                videos, questions)];
        }
        if (split.TryGetProperty("videosFile", out _) || split.TryGetProperty("questionsFile", out _))
            throw new AvqaDataException(path, at, null, "A split lists either its 'videosFile' and 'questionsFile' or its 'shards', not both.");
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            throw new AvqaDataException(path, $"{at}.shards", null, $"Expected a non-empty array of shards, found {Describe(list)}.");
        var shards = new List<SplitShard>();
        foreach (var shard in list.EnumerateArray())
        {
            string here = $"{at}.shards[{shards.Count}]";
            if (shard.ValueKind != JsonValueKind.Object)
                throw new AvqaDataException(path, here, null, $"Expected an object, found {Describe(shard)}.");
            shards.Add(new SplitShard(
                FileName(Required(shard, "videosFile", path), $"{here}.videosFile", path),
                FileName(Required(shard, "questionsFile", path), $"{here}.questionsFile", path),
                Count(Required(shard, "videos", path), $"{here}.videos", path),
                Count(Required(shard, "questions", path), $"{here}.questions", path)));
        }
        if (shards.Sum(s => s.Videos) != videos || shards.Sum(s => s.Questions) != questions)
            throw new AvqaDataException(path, $"{at}.shards", null,
                $"The shards hold {shards.Sum(s => s.Videos)} videos and {shards.Sum(s => s.Questions)} questions; the split counts {videos} and {questions}.");
        return shards;
    }

    /// <summary>No table file serves twice (two shards, or two splits, naming the same file would read it twice).</summary>
    private static void CheckFilesDistinct(Dictionary<string, SplitManifest> splits, string path)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, split) in splits)
        {
            foreach (string file in split.Files)
            {
                if (!seen.TryAdd(file, name))
                    throw new AvqaDataException(path, $"splits.{name}", null, $"'{file}' is named twice (also by split '{seen[file]}'); every table file belongs to one shard of one split.");
            }
        }
    }

    private static string Text(JsonElement e, string field, string path) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new AvqaDataException(path, field, null, $"Expected a string, found {Describe(e)}.");

    /// <summary>A table's file name: a plain name inside the dataset directory (never a path that leaves it).</summary>
    private static string FileName(JsonElement e, string field, string path)
    {
        string name = Text(e, field, path);
        if (name.Length == 0 || name != Path.GetFileName(name) || name is "." or "..")
            throw new AvqaDataException(path, field, null, $"'{name}' is not a file name inside the dataset directory.");
        return name;
    }

    private static int Int32(JsonElement e, string field, string path) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int value)
            ? value
            : throw new AvqaDataException(path, field, null, $"Expected an integer, found {Describe(e)}.");

    private static long Count(JsonElement e, string field, string path) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long value) && value >= 0
            ? value
            : throw new AvqaDataException(path, field, null, $"Expected a count (an integer ≥ 0), found {Describe(e)}.");

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Shorten(e.GetString()!)}\"",
        JsonValueKind.Number => $"the number {Shorten(e.GetRawText())}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {e.GetRawText()}",
        _ => "null",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static JsonElement Required(JsonElement e, string name, string path) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v
            : throw new AvqaDataException(path, name, null, $"Required field '{name}' is missing.");
}
