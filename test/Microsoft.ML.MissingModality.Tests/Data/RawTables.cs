using System.Text.Json.Nodes;
using Microsoft.ML.MissingModality.Data;
using Parquet;
using Parquet.Schema;

namespace Microsoft.ML.MissingModality.Tests.Data;

/// <summary>
/// Reads and rewrites a dataset's tables and manifest without the writer's checks, so that tests can build exactly the
/// damaged or inconsistent datasets a hand-made pipeline or a broken disk produces.
/// </summary>
internal static class RawTables
{
    /// <summary>A video row as stored: null is a null list (missing), an empty array an empty list.</summary>
    public sealed record VideoRow(string Id, float[]? Audio, float[]? Visual);

    /// <summary>Every questions row as its six strings, in <see cref="DatasetSchema.QuestionColumns"/> order.</summary>
    public static List<string?[]> ReadQuestions(string path)
    {
        using var file = ParquetTableFile.Open(path, ParquetTables.QuestionsTable, null);
        var rows = new List<string?[]>();
        var columns = DatasetSchema.QuestionColumns;
        for (int g = 0; g < file.RowGroupCount; g++)
        {
            int n = file.GroupRows(g);
            var values = columns.Select(_ => new string?[n]).ToArray();
            for (int c = 0; c < columns.Count; c++)
                file.ReadStrings(g, columns[c], values[c]);
            for (int r = 0; r < n; r++)
                rows.Add(values.Select(v => v[r]).ToArray());
        }
        return rows;
    }

    /// <summary>Replaces a questions table (one row group; nulls allowed) without touching the manifest.</summary>
    public static void WriteQuestions(string path, IReadOnlyList<string?[]> rows)
    {
        var fields = DatasetSchema.QuestionColumns.Select(c => new DataField<string>(c, true)).ToArray();
        Write(path, new ParquetSchema(fields), async group =>
        {
            for (int c = 0; c < fields.Length; c++)
                await group.WriteAsync(fields[c], rows.Select(r => r[c]).ToArray(), null);
        });
    }

    /// <summary>Every videos row, decoded.</summary>
    public static List<VideoRow> ReadVideos(string path, FeatureShape shape)
    {
        using var reader = new VideoTableReader(path, shape);
        var rows = new List<VideoRow>();
        var decoded = new DecodedVideoGroup();
        string?[] ids = [];
        for (int g = 0; g < reader.File.RowGroupCount; g++)
        {
            int n = reader.File.GroupRows(g);
            ids = new string?[n];
            reader.File.ReadStrings(g, DatasetSchema.VideoIdColumn, ids);
            reader.Load(g, audio: true, visual: true, decoded);
            for (int r = 0; r < n; r++)
            {
                rows.Add(new VideoRow(ids[r]!,
                    decoded.Audio.IsMissing(r) ? null : decoded.Audio.Row(r, shape.AudioLength).ToArray(),
                    decoded.Visual.IsMissing(r) ? null : decoded.Visual.Row(r, shape.VisualLength).ToArray()));
            }
        }
        return rows;
    }

    /// <summary>Replaces a videos table (one row group) with exactly these lists, lengths and values unchecked.</summary>
    public static void WriteVideos(string path, IReadOnlyList<VideoRow> rows)
    {
        var schema = ParquetTables.VideoSchema(out var id, out var audio, out var visual);
        Write(path, schema, async group =>
        {
            await group.WriteAsync(id, rows.Select(r => r.Id).ToArray(), null);
            await WriteList(group, audio, rows.Select(r => r.Audio));
            await WriteList(group, visual, rows.Select(r => r.Visual));
        });
    }

    private static async Task WriteList(ParquetRowGroupWriter group, DataField field, IEnumerable<float[]?> lists)
    {
        var values = new List<float>();
        var defs = new List<int>();
        var reps = new List<int>();
        foreach (var list in lists)
        {
            if (list is null or [])
            {
                defs.Add(list is null ? 0 : 1); // 0: null list, 1: empty list
                reps.Add(0);
                continue;
            }
            for (int i = 0; i < list.Length; i++)
            {
                values.Add(list[i]);
                defs.Add(2);
                reps.Add(i == 0 ? 0 : 1);
            }
        }
        await group.WriteAllPartsAsync<float>(field, values.ToArray(), defs.ToArray(), reps.ToArray(), default);
    }

    private static void Write(string path, ParquetSchema schema, Func<ParquetRowGroupWriter, Task> writeGroup)
    {
        File.Delete(path);
        Task.Run(async () =>
        {
            await using var stream = File.Create(path);
            await using var writer = await ParquetWriter.CreateAsync(schema, stream);
            using var group = writer.CreateRowGroup();
            await writeGroup(group);
        }).GetAwaiter().GetResult();
    }

    /// <summary>Edits <c>dataset.json</c> as a JSON tree.</summary>
    public static void EditManifest(string directory, Action<JsonObject> edit)
    {
        string path = Path.Combine(directory, DatasetSchema.ManifestFileName);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(root);
        File.WriteAllText(path, root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Sets a split's question count and per-type counts in the manifest to what its rows hold.</summary>
    public static void RecountQuestions(string directory, string split, IReadOnlyList<string?[]> rows) => EditManifest(directory, root =>
    {
        var entry = root["splits"]![split]!.AsObject();
        entry["questions"] = rows.Count;
        var types = new JsonObject();
        foreach (var group in rows.GroupBy(r => r[3]))
            types[group.Key ?? "null"] = group.Count();
        entry["questionTypes"] = types;
    });

    /// <summary>Sets a split's video count in the manifest.</summary>
    public static void RecountVideos(string directory, string split, int videos) => EditManifest(directory, root =>
        root["splits"]![split]!["videos"] = videos);
}
