using Parquet;
using Parquet.Schema;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// An open Parquet table of a dataset: checks its columns against the embedded schema description, knows each
/// row group's first row, and turns any failure of Parquet.Net into an <see cref="AvqaDataException"/> naming
/// file, column and row.
/// </summary>
internal sealed class ParquetTableFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly Dictionary<string, DataField> _fields = new(StringComparer.Ordinal);
    private readonly long[] _groupStarts;

    private ParquetTableFile(string path, FileStream stream, ParquetReader reader)
    {
        Path = path;
        _stream = stream;
        Reader = reader;
        Chunks = new Pages.ChunkFile(stream.SafeFileHandle, path);
        var info = new FileInfo(path);
        Identity = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{System.IO.Path.GetFullPath(path)}|{info.Length}|{info.LastWriteTimeUtc.Ticks}");
        _groupStarts = new long[reader.RowGroupCount + 1];
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            long rows = reader.RowGroups[g].RowCount;
            // Buffers are sized from these counts: bound them before anything is allocated (a damaged footer can say anything).
            if (rows is < 0 or > MaxRowsPerGroup)
                throw new AvqaDataException(path, null, _groupStarts[g], $"Row group {g} claims {rows} rows; a row group may hold 0 to {MaxRowsPerGroup:N0} (truncated or corrupt?).");
            _groupStarts[g + 1] = _groupStarts[g] + rows;
        }
    }

    /// <summary>The most rows one row group may hold (2^24; the library writes 8 to 4,096).</summary>
    public const int MaxRowsPerGroup = 1 << 24;

    public string Path { get; }

    /// <summary>The file as it was when opened (full path, length, last write): a file rewritten in place is another file.</summary>
    public string Identity { get; }

    public ParquetReader Reader { get; }

    /// <summary>The column chunks' bytes, for the library's page decoder (<see cref="Pages.FloatListChunkReader"/>).</summary>
    public Pages.ChunkFile Chunks { get; }

    public int RowGroupCount => Reader.RowGroupCount;

    public long RowCount => _groupStarts[^1];

    public long GroupStart(int group) => _groupStarts[group];

    public int GroupRows(int group) => (int)(_groupStarts[group + 1] - _groupStarts[group]);

    /// <summary>The leaf field holding a column's values (a string, or the float element of a list).</summary>
    public DataField Field(string column) => _fields[column];

    /// <summary>Opens a table and checks that it has the columns of <paramref name="table"/> with the described types.</summary>
    public static ParquetTableFile Open(string path, string table, FeatureShape? expectedShape)
    {
        if (!File.Exists(path))
            throw new AvqaDataException(path, null, null, "The file does not exist.");
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        ParquetTableFile? file = null;
        try
        {
            try
            {
                var reader = ParquetReader.CreateAsync(stream, ParquetTables.ReadOptions(), leaveStreamOpen: true).GetAwaiter().GetResult();
                file = new ParquetTableFile(path, stream, reader);
                // The footer's schema and metadata are decoded lazily: a damaged footer fails here, inside the guard.
                file.CheckColumns(table);
                file.CheckMetadata(expectedShape);
            }
            catch (Exception e) when (e is not AvqaDataException)
            {
                throw new AvqaDataException(path, null, null, $"Not a readable Parquet file (truncated or corrupt?): {e.Message}", e);
            }
            return file;
        }
        catch
        {
            if (file is not null)
                file.Dispose();
            else
                stream.Dispose();
            throw;
        }
    }

    private void CheckColumns(string table)
    {
        foreach (var column in DatasetSchema.ColumnsOf(table))
        {
            var field = Reader.Schema.Fields.FirstOrDefault(f => f.Name == column.Name)
                ?? throw new AvqaDataException(Path, column.Name, null,
                    $"Required column is missing (the {table} table has {string.Join(", ", DatasetSchema.ColumnsOf(table).Select(c => c.Name))}).");
            DataField? leaf = column.ParquetType switch
            {
                "string" => field is DataField d && (d.ClrType == typeof(string) || d.ClrType == typeof(ReadOnlyMemory<char>)) && !d.IsArray ? d : null,
                "list<float>" => field is ListField { Item: DataField { ClrType: var t } item } && t == typeof(float) ? item : null,
                _ => throw new InvalidOperationException($"Unknown type '{column.ParquetType}' in the schema description."),
            };
            if (leaf is null)
                throw new AvqaDataException(Path, column.Name, null, $"Column has type {Describe(field)}; expected {column.ParquetType}.");
            _fields[column.Name] = leaf;
        }
    }

    private void CheckMetadata(FeatureShape? shape)
    {
        var meta = Reader.CustomMetadata;
        if (meta.TryGetValue(DatasetSchema.SchemaVersionKey, out string? version) && version != DatasetSchema.Version)
            throw new AvqaDataException(Path, null, null, $"Schema version '{version}' in the Parquet metadata is not supported; this library reads {DatasetSchema.Version}.");
        if (shape is null)
            return;
        Compare(DatasetSchema.AudioShapeKey, shape.AudioShape);
        Compare(DatasetSchema.VisualShapeKey, shape.VisualShape);

        void Compare(string key, int[] expected)
        {
            if (meta.TryGetValue(key, out string? text) && text.Replace(" ", "") != "[" + string.Join(",", expected) + "]")
                throw new AvqaDataException(Path, null, null, $"Parquet metadata {key} = {text} disagrees with the manifest's [{string.Join(",", expected)}].");
        }
    }

    private static string Describe(Field field) => field switch
    {
        ListField { Item: DataField item } => $"list<{item.ClrType.Name}>",
        ListField => "list<...>",
        DataField d when d.IsArray => $"repeated {d.ClrType.Name}",
        DataField d => d.ClrType == typeof(ReadOnlyMemory<char>) ? "string" : d.ClrType.Name,
        _ => field.SchemaType.ToString(),
    };

    /// <summary>Reads a string column of one row group; nulls are errors naming the row.</summary>
    public void ReadStrings(int group, string column, string?[] target)
    {
        int rows = GroupRows(group);
        Guard(group, column, () =>
        {
            using var reader = Reader.OpenRowGroupReader(group);
            reader.ReadAsync(_fields[column], target.AsMemory(0, rows), null, default).AsTask().GetAwaiter().GetResult();
        });
        int nullAt = Array.IndexOf(target, null, 0, rows);
        if (nullAt >= 0)
            throw new AvqaDataException(Path, column, GroupStart(group) + nullAt, "The value is null.");
    }

    /// <summary>Runs a read of one column chunk, turning Parquet.Net failures into located errors.</summary>
    public void Guard(int group, string column, Action read)
    {
        try
        {
            read();
        }
        catch (Exception e) when (e is not AvqaDataException)
        {
            throw new AvqaDataException(Path, column, GroupStart(group),
                $"Cannot read row group {group} (rows {GroupStart(group)}-{GroupStart(group + 1) - 1}; truncated or corrupt?): {e.Message}", e);
        }
    }

    public void Dispose()
    {
        Reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Chunks.Dispose();
        _stream.Dispose();
    }
}
