using System.Reflection;
using System.Text.Json;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// The dataset layout: file names, Parquet column names, key-value metadata keys and the schema version.
/// The machine-readable description (<c>data-schemas/avqa-dataset.schema.json</c>) is embedded in the library
/// and drives the column checks of the reader; <see cref="DescriptionJson"/> returns it.
/// </summary>
public static class DatasetSchema
{
    /// <summary>The schema version written to manifests and Parquet metadata, and the only one the reader accepts.</summary>
    public const string Version = "1.0";

    /// <summary>The manifest's file name inside a dataset directory.</summary>
    public const string ManifestFileName = "dataset.json";

    /// <summary>Videos table, video identifier column (string, required).</summary>
    public const string VideoIdColumn = "video_id";

    /// <summary>Videos table, audio column (list of float, null when missing).</summary>
    public const string AudioColumn = "audio";

    /// <summary>Videos table, visual column (list of float, null when missing).</summary>
    public const string VisualColumn = "visual";

    /// <summary>Questions table, question identifier column.</summary>
    public const string QuestionIdColumn = "question_id";

    /// <summary>Questions table, question text column.</summary>
    public const string QuestionColumn = "question";

    /// <summary>Questions table, canonical question type column.</summary>
    public const string QuestionTypeColumn = "question_type";

    /// <summary>Questions table, template column.</summary>
    public const string TemplateColumn = "template";

    /// <summary>Questions table, answer column.</summary>
    public const string AnswerColumn = "answer";

    /// <summary>Parquet key-value metadata key holding <see cref="Version"/>.</summary>
    public const string SchemaVersionKey = "avqa.schema_version";

    /// <summary>Parquet key-value metadata key holding the table name (<c>videos</c> or <c>questions</c>).</summary>
    public const string TableKey = "avqa.table";

    /// <summary>Parquet key-value metadata key holding the audio shape as a JSON array, e.g. <c>[10,128]</c>.</summary>
    public const string AudioShapeKey = "avqa.audio_shape";

    /// <summary>Parquet key-value metadata key holding the visual shape as a JSON array, e.g. <c>[10,512,14,14]</c>.</summary>
    public const string VisualShapeKey = "avqa.visual_shape";

    /// <summary>Columns of the videos table, in file order.</summary>
    public static IReadOnlyList<string> VideoColumns { get; } = [VideoIdColumn, AudioColumn, VisualColumn];

    /// <summary>Columns of the questions table, in file order.</summary>
    public static IReadOnlyList<string> QuestionColumns { get; } =
        [QuestionIdColumn, VideoIdColumn, QuestionColumn, QuestionTypeColumn, TemplateColumn, AnswerColumn];

    /// <summary>The videos file name of a split, e.g. <c>train.videos.parquet</c>, or of one of its shards, e.g. <c>train.00003.videos.parquet</c>.</summary>
    public static string VideosFileName(string split, int? shard = null) => $"{Stem(split, shard)}.videos.parquet";

    /// <summary>The questions file name of a split, e.g. <c>train.questions.parquet</c>, or of one of its shards, e.g. <c>train.00003.questions.parquet</c>.</summary>
    public static string QuestionsFileName(string split, int? shard = null) => $"{Stem(split, shard)}.questions.parquet";

    // A split's name has no dot, so no shard's file can be another split's.
    private static string Stem(string split, int? shard) => shard is int k ? $"{split}.{k:D5}" : split;

    /// <summary>The machine-readable schema description (the embedded <c>avqa-dataset.schema.json</c>).</summary>
    public static string DescriptionJson => s_json.Value;

    private static readonly Lazy<string> s_json = new(() =>
    {
        using var stream = typeof(DatasetSchema).Assembly.GetManifestResourceStream("avqa-dataset.schema.json")
            ?? throw new InvalidOperationException("The embedded resource avqa-dataset.schema.json is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<SchemaColumn>>> s_tables = new(() =>
    {
        using var doc = JsonDocument.Parse(DescriptionJson);
        var tables = new Dictionary<string, IReadOnlyList<SchemaColumn>>(StringComparer.Ordinal);
        foreach (var table in doc.RootElement.GetProperty("tables").EnumerateArray())
        {
            tables[table.GetProperty("name").GetString()!] = table.GetProperty("columns").EnumerateArray()
                .Select(c => new SchemaColumn(c.GetProperty("name").GetString()!, c.GetProperty("parquetType").GetString()!, c.GetProperty("nullable").GetBoolean()))
                .ToArray();
        }
        return tables;
    });

    /// <summary>The columns of a table ("videos" or "questions") as the embedded description lists them.</summary>
    internal static IReadOnlyList<SchemaColumn> ColumnsOf(string table) => s_tables.Value[table];
}

/// <summary>One column of a table as the embedded schema description lists it.</summary>
internal sealed record SchemaColumn(string Name, string ParquetType, bool Nullable);
