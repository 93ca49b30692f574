using Microsoft.ML.Data;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// A streaming IDataView over one split of a dataset directory: one row per question with its video's features
/// joined in. Vector columns have known size and carry the real shape as dimensions. Nothing is loaded up front
/// but the manifest, the file footers and (when a feature column is active) the video-id index.
/// </summary>
internal sealed class AvqaDataView : IDataView
{
    private readonly AvqaSplitSource _source;
    private readonly AvqaReaderOptions _options;
    private int _cursors;

    public AvqaDataView(string directory, string split, AvqaReaderOptions options)
    {
        options.Validate();
        _source = new AvqaSplitSource(directory, split);
        _options = options;
        Schema = BuildSchema(_source.Shape);
        DirectReads = options.DirectReads ?? _source.Shards.Sum(s => new FileInfo(s.VideosPath).Length) > GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;
    }

    /// <summary>Whether cursors read feature chunks around the page cache (<see cref="AvqaReaderOptions.DirectReads"/>, resolved).</summary>
    internal bool DirectReads { get; }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => true;

    public FeatureShape Shape => _source.Shape;

    /// <summary>Statistics of the most recent cursor (tests check what was read through it).</summary>
    internal AvqaReadStatistics? LastStatistics { get; private set; }

    public long? GetRowCount() => _source.Split.Questions;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
            active[column.Index] = true;
        int cursor = Interlocked.Increment(ref _cursors) - 1;
        Random? order = _options.Shuffle ? new Random(unchecked(_options.Seed + cursor * 7919)) : rand is null ? null : new Random(rand.Next());
        var stats = new AvqaReadStatistics();
        LastStatistics = stats;
        return new AvqaRowCursor(this, _source, active, order, _options.VideoCacheBytes, stats, VideoGroupPool.Shared, DirectReads);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private static DataViewSchema BuildSchema(FeatureShape shape)
    {
        var b = new DataViewSchema.Builder();
        foreach (string text in new[] { AvqaColumns.QuestionId, AvqaColumns.VideoId, AvqaColumns.Question, AvqaColumns.QuestionType, AvqaColumns.Template, AvqaColumns.Answer })
            b.AddColumn(text, TextDataViewType.Instance);
        b.AddColumn(AvqaColumns.Audio, new VectorDataViewType(NumberDataViewType.Single, shape.AudioShape));
        b.AddColumn(AvqaColumns.Visual, new VectorDataViewType(NumberDataViewType.Single, shape.VisualShape));
        b.AddColumn(AvqaColumns.AudioMissing, BooleanDataViewType.Instance);
        b.AddColumn(AvqaColumns.VisualMissing, BooleanDataViewType.Instance);
        return b.ToSchema();
    }
}
