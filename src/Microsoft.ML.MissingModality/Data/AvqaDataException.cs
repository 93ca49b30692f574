namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Bad dataset input: a wrong vector length, a NaN or infinity, a missing or mistyped column, an unknown question
/// type, a duplicate id, or a truncated or corrupt Parquet or <c>.npy</c> file. The message names the file, the
/// column and the row where they are known, e.g. <c>train.videos.parquet: column 'audio', row 17: expected 1280 values, got 1270.</c>
/// </summary>
public sealed class AvqaDataException : Exception
{
    /// <summary>Creates the exception; the message is composed from the location and the detail.</summary>
    /// <param name="file">The file at fault (a path or a file name), or null when no single file is.</param>
    /// <param name="column">The column (or JSON field) at fault, or null.</param>
    /// <param name="row">The zero-based row (or record) index at fault, or null.</param>
    /// <param name="detail">What is wrong, as a sentence.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public AvqaDataException(string? file, string? column, long? row, string detail, Exception? inner = null)
        : base(Compose(file, column, row, detail), inner)
    {
        File = file;
        Column = column;
        Row = row;
        Detail = detail;
    }

    /// <summary>The file at fault, or null.</summary>
    public string? File { get; }

    /// <summary>The column or field at fault, or null.</summary>
    public string? Column { get; }

    /// <summary>The zero-based row or record index at fault, or null.</summary>
    public long? Row { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Detail { get; }

    private static string Compose(string? file, string? column, long? row, string detail)
    {
        var where = new List<string>(3);
        if (file is not null)
            where.Add(file);
        if (column is not null)
            where.Add($"column '{column}'");
        if (row is not null)
            where.Add($"row {row}");
        return where.Count == 0 ? detail : $"{string.Join(", ", where)}: {detail}";
    }
}
