namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Checks, when a split is loaded, what <see cref="DatasetWriter"/> guarantees and a hand-made or damaged dataset may
/// break: the tables hold the rows <c>dataset.json</c> counts, per type too; every question id is non-empty and unique
/// across the whole dataset; every question type is known; every question's video is in its shard's videos table (a split written whole is one shard);
/// and each videos row group holds as many values as the manifest's shape allows. It reads only the footers and
/// the key string columns (no features), so a bad dataset fails at load, before any training, with a located error.
/// </summary>
internal static class SplitIntegrity
{
    /// <summary>A shard's videos table: as many rows as the manifest counts, and value counts the shape allows.</summary>
    public static void CheckVideos(string directory, string split, DatasetManifest manifest, int shard, VideoTableReader videos)
    {
        var entry = manifest.Splits[split];
        CheckRowCount(directory, CountField(split, entry, shard, "videos"), "videos", entry.Shards[shard].Videos, videos.File);
        videos.CheckValueCounts();
    }

    /// <summary>Every shard's questions table, then the split's counts per type.</summary>
    public static void CheckQuestions(string directory, string split, AvqaSplitSource source)
    {
        var manifest = source.Manifest;
        var entry = source.Split;
        var idsElsewhere = QuestionIdsOfOtherSplits(directory, split, manifest);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var perType = QuestionType.All.ToDictionary(t => t.ToString(), _ => 0L, StringComparer.Ordinal);
        string?[] ids = [], videoIds = [], types = [];
        for (int k = 0; k < source.Shards.Count; k++)
        {
            var shard = source.Shards[k];
            using var questions = ParquetTableFile.Open(shard.QuestionsPath, ParquetTables.QuestionsTable, manifest.Shape);
            CheckRowCount(directory, CountField(split, entry, k, "questions"), "questions", shard.Manifest.Questions, questions);
            for (int g = 0; g < questions.RowGroupCount; g++)
            {
                int rows = questions.GroupRows(g);
                if (ids.Length < rows)
                    (ids, videoIds, types) = (new string?[rows], new string?[rows], new string?[rows]);
                questions.ReadStrings(g, DatasetSchema.QuestionIdColumn, ids);
                questions.ReadStrings(g, DatasetSchema.VideoIdColumn, videoIds);
                questions.ReadStrings(g, DatasetSchema.QuestionTypeColumn, types);
                for (int r = 0; r < rows; r++)
                {
                    long row = questions.GroupStart(g) + r;
                    string id = ids[r]!;
                    if (id.Length == 0)
                        throw new AvqaDataException(questions.Path, DatasetSchema.QuestionIdColumn, row, "The question id is empty.");
                    string here = entry.Shards.Count == 1 ? $"row {row}" : $"row {row} of {shard.Manifest.QuestionsFile}";
                    if (!seen.TryAdd(id, here))
                        throw new AvqaDataException(questions.Path, DatasetSchema.QuestionIdColumn, row, $"Duplicate question id '{id}' (also at {seen[id]}).");
                    if (idsElsewhere.TryGetValue(id, out string? other))
                        throw new AvqaDataException(questions.Path, DatasetSchema.QuestionIdColumn, row, $"Question id '{id}' is also in split '{other}'; ids are unique across a dataset.");
                    if (!QuestionType.TryParse(types[r], out var type))
                        throw new AvqaDataException(questions.Path, DatasetSchema.QuestionTypeColumn, row,
                            $"Unknown question type '{types[r]}'. Expected one of: {string.Join(", ", QuestionType.All)}.");
                    perType[type.ToString()]++;
                    if (!shard.VideoIndex.ContainsKey(videoIds[r]!))
                        throw new AvqaDataException(questions.Path, DatasetSchema.VideoIdColumn, row, $"Video '{videoIds[r]}' is not in {shard.Manifest.VideosFile}.");
                }
            }
        }
        string held = entry.Shards.Count == 1 ? entry.Shards[0].QuestionsFile : $"its {entry.Shards.Count} questions tables";
        foreach (var (type, count) in entry.QuestionTypes)
        {
            long actual = perType.GetValueOrDefault(type);
            if (actual != count)
                throw new AvqaDataException(Path.Combine(directory, DatasetSchema.ManifestFileName), $"splits.{split}.questionTypes.{type}", null,
                    $"The manifest counts {count} '{type}' questions; {held} hold{(entry.Shards.Count == 1 ? "s" : "")} {actual}.");
        }
    }

    // An unsharded split's counts are the split's own fields; a shard's are in its entry of the shards list.
    private static string CountField(string split, SplitManifest entry, int shard, string field) =>
        entry.Shards.Count == 1 ? $"splits.{split}.{field}" : $"splits.{split}.shards[{shard}].{field}";

    private static void CheckRowCount(string directory, string field, string what, long expected, ParquetTableFile table)
    {
        if (table.RowCount != expected)
            throw new AvqaDataException(Path.Combine(directory, DatasetSchema.ManifestFileName), field, null,
                $"The manifest counts {expected} {what}; {Path.GetFileName(table.Path)} holds {table.RowCount} rows.");
    }

    /// <summary>Question id → split, for every other split of the dataset (their question_id columns only).</summary>
    private static Dictionary<string, string> QuestionIdsOfOtherSplits(string directory, string split, DatasetManifest manifest)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, entry) in manifest.Splits)
        {
            if (name == split)
                continue;
            foreach (var shard in entry.Shards)
            {
                using var table = ParquetTableFile.Open(Path.Combine(directory, shard.QuestionsFile), ParquetTables.QuestionsTable, manifest.Shape);
                string?[] buffer = [];
                for (int g = 0; g < table.RowGroupCount; g++)
                {
                    int rows = table.GroupRows(g);
                    if (buffer.Length < rows)
                        buffer = new string?[rows];
                    table.ReadStrings(g, DatasetSchema.QuestionIdColumn, buffer);
                    for (int r = 0; r < rows; r++)
                        ids.TryAdd(buffer[r]!, name);
                }
            }
        }
        return ids;
    }
}
