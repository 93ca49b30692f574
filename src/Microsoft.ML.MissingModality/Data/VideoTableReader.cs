using Microsoft.ML.MissingModality.Data.Pages;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Reads a videos table one row group at a time into reused buffers, decoding only the requested feature
/// columns, and checks every vector (length, finiteness, no null elements). Reads lists written by Parquet.Net
/// (max definition level 2) and by Arrow/pyarrow (level 3, nullable elements). Chunks in the writer's own layout go
/// through the library's page decoder (<see cref="FloatListChunkReader"/>), any other through Parquet.Net; both end in
/// the same row checks.
/// </summary>
internal sealed class VideoTableReader : IDisposable
{
    private readonly ParquetTableFile _file;
    private readonly FeatureShape _shape;
    private readonly DecodeScratch _scratch;

    /// <param name="path">The videos table.</param>
    /// <param name="shape">The dataset's feature shape.</param>
    /// <param name="scratch">Scratch to decode with (an earlier reader's, see <see cref="Scratch"/>), or null for a new one.</param>
    public VideoTableReader(string path, FeatureShape shape, DecodeScratch? scratch = null)
    {
        _file = ParquetTableFile.Open(path, ParquetTables.VideosTable, shape);
        _shape = shape;
        _scratch = scratch ?? new DecodeScratch();
    }

    /// <summary>The scratch this reader decodes with, to hand on to the next reader once this one is disposed.</summary>
    public DecodeScratch Scratch => _scratch;

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
        if (target.IsLeased)
            throw new InvalidOperationException("A decoded video group cannot be refilled while a batch still reads its rows.");
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
        bool asRuns = false, allFinite = false;
        _file.Guard(group, column, () =>
        {
            using var reader = _file.Reader.OpenRowGroupReader(group);
            var chunk = reader.GetMetadata(field)?.MetaData ?? throw new InvalidDataException("The column chunk has no metadata.");
            if (chunk.NumValues > int.MaxValue)
                throw new InvalidDataException($"The column chunk holds {chunk.NumValues} values, more than one row group may.");
            levels = (int)chunk.NumValues;
            col.Ensure(levels, rows);
            var values = col.Values;
            asRuns = UsePageDecoder && FloatListChunkReader.TryRead(_file.Chunks, chunk, field.MaxDefinitionLevel, field.MaxRepetitionLevel, _scratch, ref values, out allFinite);
            col.Values = values;
            if (asRuns)
                return;
            _scratch.EnsureLevels(levels);
            reader.ReadRawAsync<float>(field, col.Values.AsMemory(0, levels), _scratch.DefinitionLevels.AsMemory(0, levels), _scratch.RepetitionLevels.AsMemory(0, levels), default)
                .AsTask().GetAwaiter().GetResult();
        });
        OnColumnRead?.Invoke(column);
        if (asRuns)
            PageDecodes++;
        else
            DecodeGarbage.Decoded(4L * levels); // Parquet.Net's page copies are garbage the size of the values
        var rowLists = new RowLists(this, group, column, length, col, field.MaxDefinitionLevel, field.IsNullable, checkFinite: !(asRuns && allFinite));
        if (asRuns)
            SplitRuns(rowLists, rows, levels);
        else
            Split(rowLists, rows, levels);
        col.Loaded = true;
    }

    /// <summary>Walks the levels, one int per level (Parquet.Net's output): finds each row's vector and checks it.</summary>
    private void Split(RowLists lists, int rows, int levels)
    {
        var defs = _scratch.DefinitionLevels.AsSpan(0, levels);
        var reps = _scratch.RepetitionLevels.AsSpan(0, levels);
        int pos = 0;
        for (int r = 0; r < rows; r++)
        {
            if (pos >= levels || reps[pos] != 0)
                throw lists.Misaligned(r);
            int next = reps[(pos + 1)..].IndexOf(0);
            int end = next < 0 ? levels : pos + 1 + next;
            lists.Place(r, end - pos, defs[pos], defs[pos..end].IndexOfAnyExcept(lists.MaxDefinition) < 0);
            pos = end;
        }
        if (pos != levels)
            throw lists.Misaligned(rows - 1);
    }

    /// <summary>Walks the levels as runs (the page decoder's output): the same rows and checks as <see cref="Split"/>.</summary>
    private void SplitRuns(RowLists lists, int rows, int levels)
    {
        if (_scratch.Repetitions.Levels != levels || _scratch.Definitions.Levels != levels)
            throw lists.Misaligned(0);
        var reps = new LevelRunCursor(_scratch.Repetitions);
        var defs = new LevelRunCursor(_scratch.Definitions);
        for (int r = 0; r < rows; r++)
        {
            if (reps.AtEnd || reps.Value != 0)
                throw lists.Misaligned(r);
            reps.Take(1);
            int count = 1;
            while (!reps.AtEnd && reps.Value != 0)
            {
                count += reps.LeftInRun;
                reps.Take(reps.LeftInRun);
            }
            byte first = defs.Value;
            lists.Place(r, count, first, defs.TakeAllEqual(count, (byte)lists.MaxDefinition));
        }
        if (!reps.AtEnd)
            throw lists.Misaligned(rows - 1);
    }

    /// <summary>Whether feature columns go through the library's page decoder where their layout allows (tests compare both).</summary>
    internal bool UsePageDecoder { get; set; } = true;

    /// <summary>Column chunks decoded by the library's page decoder rather than Parquet.Net.</summary>
    internal int PageDecodes { get; private set; }

    /// <summary>
    /// Places and checks one row's list, given its levels: where its vector starts in the dense values (or -1 for a
    /// null list, a missing modality), with the located errors for empty lists, null elements, wrong lengths and
    /// values that are not finite (unless the decoder found every value of the chunk finite on its way).
    /// </summary>
    private sealed class RowLists(VideoTableReader reader, int group, string column, int length, DecodedVideoGroup.ListColumn col, int maxDefinition, bool nullableElement, bool checkFinite)
    {
        private int _value;

        public int MaxDefinition => maxDefinition;

        public void Place(int r, int levels, int firstDefinition, bool allPresent)
        {
            var file = reader._file;
            long row = file.GroupStart(group) + r;
            if (levels == 1 && firstDefinition < maxDefinition)
            {
                // Levels of an optional list: 0 null list, 1 empty list, then (Arrow) 2 null element; max = a value.
                if (nullableElement && firstDefinition == maxDefinition - 1)
                    throw new AvqaDataException(file.Path, column, row, "The list holds a null element; features must be numbers.");
                if (firstDefinition > 0)
                    throw new AvqaDataException(file.Path, column, row, $"The list is empty; a missing {column} is a null list, a present one holds {length} values.");
                col.Offsets[r] = -1; // a null list: the modality is missing
                return;
            }
            if (!allPresent)
                throw new AvqaDataException(file.Path, column, row, "The list holds a null element; features must be numbers.");
            if (levels != length)
                throw new AvqaDataException(file.Path, column, row,
                    $"Expected {length} values (shape [{string.Join(",", column == DatasetSchema.AudioColumn ? reader._shape.AudioShape : reader._shape.VisualShape)}] in {DatasetSchema.ManifestFileName}), got {levels}.");
            int bad = checkFinite ? ParquetTables.IndexOfNonFinite(col.Values.AsSpan(_value, levels)) : -1;
            if (bad >= 0)
                throw new AvqaDataException(file.Path, column, row, $"Value {bad} is {col.Values[_value + bad]}; features must be finite.");
            col.Offsets[r] = _value;
            _value += levels;
        }

        public AvqaDataException Misaligned(int r) =>
            new(reader._file.Path, column, reader._file.GroupStart(group) + r, "The list levels do not line up with the rows (corrupt file?).");
    }

    public void Dispose() => _file.Dispose();
}
