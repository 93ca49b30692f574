namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Checks, when a split is loaded, what <see cref="DatasetWriter"/> guarantees and a hand-made or damaged dataset may
/// break: the tables hold the rows <c>dataset.json</c> counts, per type too; every question id is non-empty and unique
/// across the whole dataset; every question type is known; every question's video is in the split's videos table;
/// and each videos row group holds as many values as the manifest's shape allows. It reads only the footers and
/// the key string columns (no features), so a bad dataset fails at load, before any training, with a located error.
/// </summary>
internal static class SplitIntegrity
{
    public static void Check(string directory, string split, AvqaSplitSource source, VideoTableReader videos)
    {
        var manifest = source.Manifest;
        string manifestPath = Path.Combine(directory, DatasetSchema.ManifestFileName);
        var entry = source.Split;
        CheckRowCount(manifestPath, split, "videos", entry.Videos, videos.File);
        videos.CheckValueCounts();

        using var questions = ParquetTableFile.Open(source.QuestionsPath, ParquetTables.QuestionsTable, manifest.Shape);
        CheckRowCount(manifestPath, split, "questions", entry.Questions, questions);
        var idsElsewhere = QuestionIdsOfOtherSplits(directory, split, manifest);
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        var perType = QuestionType.All.ToDictionary(t => t.ToString(), _ => 0L, StringComparer.Ordinal);
        string?[] ids = [], videoIds = [], types = [];
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
                if (!seen.TryAdd(id, row))
                    throw new AvqaDataException(questions.Path, DatasetSchema.QuestionIdColumn, row, $"Duplicate question id '{id}' (also at row {seen[id]}).");
                if (idsElsewhere.TryGetValue(id, out string? other))
                    throw new AvqaDataException(questions.Path, DatasetSchema.QuestionIdColumn, row, $"Question id '{id}' is also in split '{other}'; ids are unique across a dataset.");
                if (!QuestionType.TryParse(types[r], out var type))
                    throw new AvqaDataException(questions.Path, DatasetSchema.QuestionTypeColumn, row,
                        $"Unknown question type '{types[r]}'. Expected one of: {string.Join(", ", QuestionType.All)}.");
                perType[type.ToString()]++;
                if (!source.VideoIndex.ContainsKey(videoIds[r]!))
                    throw new AvqaDataException(questions.Path, DatasetSchema.VideoIdColumn, row, $"Video '{videoIds[r]}' is not in {Path.GetFileName(source.VideosPath)}.");
            }
        }
        foreach (var (type, count) in entry.QuestionTypes)
        {
            long actual = perType.GetValueOrDefault(type);
            if (actual != count)
                throw new AvqaDataException(manifestPath, $"splits.{split}.questionTypes.{type}", null,
                    $"The manifest counts {count} '{type}' questions; {Path.GetFileName(source.QuestionsPath)} holds {actual}.");
        }
    }

    private static void CheckRowCount(string manifestPath, string split, string field, long expected, ParquetTableFile table)
    {
        if (table.RowCount != expected)
            throw new AvqaDataException(manifestPath, $"splits.{split}.{field}", null,
                $"The manifest counts {expected} {field}; {Path.GetFileName(table.Path)} holds {table.RowCount} rows.");
    }

    /// <summary>Question id → split, for every other split of the dataset (their question_id columns only).</summary>
    private static Dictionary<string, string> QuestionIdsOfOtherSplits(string directory, string split, DatasetManifest manifest)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, entry) in manifest.Splits)
        {
            if (name == split)
                continue;
            using var table = ParquetTableFile.Open(Path.Combine(directory, entry.QuestionsFile), ParquetTables.QuestionsTable, manifest.Shape);
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
        return ids;
    }
}
