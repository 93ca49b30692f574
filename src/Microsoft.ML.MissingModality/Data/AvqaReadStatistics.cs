namespace Microsoft.ML.MissingModality.Data;

/// <summary>What one cursor read: feature column chunks decoded, video row groups loaded, cache peak.</summary>
internal sealed class AvqaReadStatistics
{
    private readonly HashSet<string> _columns = new(StringComparer.Ordinal);

    /// <summary>Names of the Parquet columns read at least once (questions and videos tables).</summary>
    public IReadOnlyCollection<string> ColumnsRead => _columns;

    public int VideoGroupLoads { get; set; }

    public long PeakCacheBytes { get; set; }

    public int PeakCachedGroups { get; set; }

    /// <summary>Whether a videos table was read around the page cache (<see cref="AvqaReaderOptions.DirectReads"/>).</summary>
    public bool DirectReads { get; set; }

    public void ColumnRead(string name) => _columns.Add(name);
}
