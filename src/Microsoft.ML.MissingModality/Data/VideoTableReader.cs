namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Reads a videos table one row group at a time into reused buffers, decoding only the requested feature
/// columns, and checks every vector (length, finiteness, no null elements). Reads lists written by Parquet.Net
/// (max definition level 2) and by Arrow/pyarrow (level 3, nullable elements).
/// </summary>
internal sealed class VideoTableReader : IDisposable
{
    private readonly ParquetTableFile _file;
    private readonly FeatureShape _shape;
    private readonly LevelScratch _levels;

    /// <param name="path">The videos table.</param>
    /// <param name="shape">The dataset's feature shape.</param>
    /// <param name="levels">Level scratch to decode with (an earlier reader's, see <see cref="Levels"/>), or null for a new one.</param>
    public VideoTableReader(string path, FeatureShape shape, LevelScratch? levels = null)
    {
        _file = ParquetTableFile.Open(path, ParquetTables.VideosTable, shape);
        _shape = shape;
        _levels = levels ?? new LevelScratch();
    }

    /// <summary>The level scratch this reader decodes with, to hand on to the next reader once this one is disposed.</summary>
    public LevelScratch Levels => _levels;

    public ParquetTableFile File => _file;

    /// <summary>Called with the column name each time a feature column chunk is read (for statistics and tests).</summary>
    public Action<string>? OnColumnRead { get; set; }

    /// <summary>Reads the video ids of every row group: video id → (group, row in group).</summary>
    public Dictionary<string, (int Group, int Row)> BuildIndex()
    {
        var index = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        var ids = new string?[0];
        for (int g = 0; g < _file.RowGroupCount; g++)
        {
            int rows = _file.GroupRows(g);
            if (ids.Length < rows)
                ids = new string?[rows];
            _file.ReadStrings(g, DatasetSchema.VideoIdColumn, ids);
            for (int r = 0; r < rows; r++)
            {
                if (!index.TryAdd(ids[r]!, (g, r)))
                    throw new AvqaDataException(_file.Path, DatasetSchema.VideoIdColumn, _file.GroupStart(g) + r, $"Duplicate video id '{ids[r]}'.");
            }
        }
        return index;
    }

    /// <summary>
    /// Checks each row group's value counts (footer only) against the shape: a group of <c>rows</c> rows holds
    /// <c>k × length + (rows − k)</c> values for some <c>k</c> present vectors (a missing one is a single null level).
    /// A manifest whose shape disagrees with the file fails here, before any buffer is sized from it.
    /// </summary>
    public void CheckValueCounts()
    {
        for (int g = 0; g < _file.RowGroupCount; g++)
        {
            foreach (var (column, length) in new[] { (DatasetSchema.AudioColumn, _shape.AudioLength), (DatasetSchema.VisualColumn, _shape.VisualLength) })
            {
                long values = 0;
                _file.Guard(g, column, () =>
                {
                    using var reader = _file.Reader.OpenRowGroupReader(g);
                    values = reader.GetMetadata(_file.Field(column))?.MetaData?.NumValues ?? throw new InvalidDataException("The column chunk has no metadata.");
                });
                long rows = _file.GroupRows(g);
                long extra = values - rows; // (length − 1) per present vector
                bool fits = length == 1 ? values == rows : extra >= 0 && extra % (length - 1) == 0 && extra / (length - 1) <= rows;
                if (!fits && values <= rows * length)
                    Load(g, column == DatasetSchema.AudioColumn, column == DatasetSchema.VisualColumn, new DecodedVideoGroup()); // names the row
                if (!fits)
                    throw new AvqaDataException(_file.Path, column, _file.GroupStart(g),
                        $"Row group {g} holds {values} values for {rows} rows, which vectors of {length} values (shape [{string.Join(",", column == DatasetSchema.AudioColumn ? _shape.AudioShape : _shape.VisualShape)}] in {DatasetSchema.ManifestFileName}) and missing rows cannot make: the manifest's shape or the file is wrong.");
            }
        }
    }

    /// <summary>The value bytes of row group <paramref name="group"/> with every vector present (what decoding it needs at most).</summary>
    public long DecodedBytes(int group, bool audio, bool visual) =>
        4L * _file.GroupRows(group) * ((audio ? _shape.AudioLength : 0) + (visual ? _shape.VisualLength : 0));

    /// <summary>Decodes row group <paramref name="group"/> into <paramref name="target"/> (reusing its buffers).</summary>
    public void Load(int group, bool audio, bool visual, DecodedVideoGroup target)
    {
        target.Group = -1;
        target.Source = _file.Identity;
        target.Rows = _file.GroupRows(group);
        Decode(group, DatasetSchema.AudioColumn, audio, _shape.AudioLength, target.Audio, target.Rows);
        Decode(group, DatasetSchema.VisualColumn, visual, _shape.VisualLength, target.Visual, target.Rows);
        target.Group = group;
    }

    private void Decode(int group, string column, bool active, int length, DecodedVideoGroup.ListColumn col, int rows)
    {
        col.Loaded = false;
        if (!active)
            return;
        var field = _file.Field(column);
        int levels = 0;
        _file.Guard(group, column, () =>
        {
            using var reader = _file.Reader.OpenRowGroupReader(group);
            long n = reader.GetMetadata(field)?.MetaData?.NumValues ?? throw new InvalidDataException("The column chunk has no metadata.");
            if (n > int.MaxValue)
                throw new InvalidDataException($"The column chunk holds {n} values, more than one row group may.");
            levels = (int)n;
            col.Ensure(levels, rows);
            _levels.Ensure(levels);
            reader.ReadRawAsync<float>(field, col.Values.AsMemory(0, levels), _levels.Definitions.AsMemory(0, levels), _levels.Repetitions.AsMemory(0, levels), default)
                .AsTask().GetAwaiter().GetResult();
        });
        OnColumnRead?.Invoke(column);
        DecodeGarbage.Decoded(4L * levels);
        Split(group, column, length, col, rows, levels, field.MaxDefinitionLevel, field.IsNullable);
        col.Loaded = true;
    }

    /// <summary>Walks the repetition/definition levels: finds each row's vector and checks it.</summary>
    private void Split(int group, string column, int length, DecodedVideoGroup.ListColumn col, int rows, int levels, int maxDef, bool nullableElement)
    {
        var defs = _levels.Definitions.AsSpan(0, levels);
        var reps = _levels.Repetitions.AsSpan(0, levels);
        int pos = 0, value = 0;
        for (int r = 0; r < rows; r++)
        {
            long row = _file.GroupStart(group) + r;
            if (pos >= levels || reps[pos] != 0)
                throw new AvqaDataException(_file.Path, column, row, "The list levels do not line up with the rows (corrupt file?).");
            int next = reps[(pos + 1)..].IndexOf(0);
            int end = next < 0 ? levels : pos + 1 + next;
            int count = end - pos;
            if (count == 1 && defs[pos] < maxDef)
            {
                // Levels of an optional list: 0 null list, 1 empty list, then (Arrow) 2 null element; max = a value.
                if (nullableElement && defs[pos] == maxDef - 1)
                    throw new AvqaDataException(_file.Path, column, row, "The list holds a null element; features must be numbers.");
                if (defs[pos] > 0)
                    throw new AvqaDataException(_file.Path, column, row, $"The list is empty; a missing {column} is a null list, a present one holds {length} values.");
                col.Offsets[r] = -1; // a null list: the modality is missing
                pos = end;
                continue;
            }
            if (defs[pos..end].IndexOfAnyExcept(maxDef) >= 0)
                throw new AvqaDataException(_file.Path, column, row, "The list holds a null element; features must be numbers.");
            if (count != length)
                throw new AvqaDataException(_file.Path, column, row,
                    $"Expected {length} values (shape [{string.Join(",", column == DatasetSchema.AudioColumn ? _shape.AudioShape : _shape.VisualShape)}] in {DatasetSchema.ManifestFileName}), got {count}.");
            int bad = ParquetTables.IndexOfNonFinite(col.Values.AsSpan(value, count));
            if (bad >= 0)
                throw new AvqaDataException(_file.Path, column, row, $"Value {bad} is {col.Values[value + bad]}; features must be finite.");
            col.Offsets[r] = value;
            value += count;
            pos = end;
        }
        if (pos != levels)
            throw new AvqaDataException(_file.Path, column, _file.GroupStart(group) + rows - 1, "The list levels do not line up with the rows (corrupt file?).");
    }

    public void Dispose() => _file.Dispose();
}
