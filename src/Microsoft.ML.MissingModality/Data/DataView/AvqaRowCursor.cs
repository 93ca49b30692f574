using Microsoft.ML.Data;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Cursor of <see cref="AvqaDataView"/>: walks the split's shards one after another and each shard's questions table
/// a row group at a time (shards, groups and rows in a shuffled order when asked), and joins each question's video
/// through an LRU cache of decoded video row groups. One shard's files and cache are open at a time. Only active
/// columns are read; vector getters write into the caller's buffer with <see cref="VBufferEditor"/>.
/// </summary>
internal sealed class AvqaRowCursor : DataViewRowCursor
{
    private const int FirstVideoColumn = 6; // Audio, Visual, AudioMissing, VisualMissing follow the six text columns

    private readonly AvqaDataView _parent;
    private readonly AvqaSplitSource _source;
    private readonly bool[] _active;
    private readonly Random? _order;
    private readonly long _cacheBytes;
    private readonly bool _directReads;
    private readonly AvqaReadStatistics _stats;
    private readonly VideoGroupPool? _pool;
    private readonly bool[] _questionColumns;
    private readonly bool _audio, _visual;
    private readonly int[] _shardOrder;
    private int _shardIndex = -1;
    private ShardSource _shard = null!;
    private QuestionGroupReader? _questions;
    private VideoTableReader? _videos;
    private VideoGroupCache? _cache;
    private int _loadsBefore; // video groups decoded in the shards already read
    private int[] _groupOrder = [];
    private int[] _rowOrder = [];
    private int _groupIndex = -1, _rowIndex, _row;
    private long _position = -1;
    private DecodedVideoGroup? _video;
    private int _videoRow;
    private bool _disposed;

    public AvqaRowCursor(AvqaDataView parent, AvqaSplitSource source, bool[] active, Random? order, long cacheBytes, AvqaReadStatistics stats, VideoGroupPool? pool = null, bool directReads = false)
    {
        _parent = parent;
        _source = source;
        _active = active;
        _order = order;
        _cacheBytes = cacheBytes;
        _directReads = directReads;
        _stats = stats;
        _pool = pool;
        _audio = active[FirstVideoColumn] || active[FirstVideoColumn + 2];
        _visual = active[FirstVideoColumn + 1] || active[FirstVideoColumn + 3];
        // The six text columns map one-to-one onto the questions table's columns; video_id is also the join key.
        _questionColumns = Enumerable.Range(0, 6).Select(c => active[c] || (c == 1 && (_audio || _visual))).ToArray();
        for (int c = 0; c < _questionColumns.Length; c++)
        {
            if (_questionColumns[c])
                stats.ColumnRead(DatasetSchema.QuestionColumns[c]);
        }
        _shardOrder = Enumerable.Range(0, source.Shards.Count).ToArray();
        _order?.Shuffle(_shardOrder);
        // The first shard is opened at once, so that a file that cannot be opened fails here rather than mid-pass.
        OpenNextShard();
    }

    public override DataViewSchema Schema => _parent.Schema;

    public override long Position => _position;

    public override long Batch => 0;

    public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

    public override bool MoveNext()
    {
        if (_disposed)
            return false;
        while (_groupIndex < 0 || ++_rowIndex >= _questions!.Rows)
        {
            if (++_groupIndex >= _groupOrder.Length)
            {
                if (!OpenNextShard())
                {
                    Dispose();
                    return false;
                }
                continue;
            }
            _questions!.Load(_groupOrder[_groupIndex]);
            if (_rowOrder.Length != _questions.Rows)
                _rowOrder = new int[_questions.Rows];
            for (int i = 0; i < _rowOrder.Length; i++)
                _rowOrder[i] = i;
            _order?.Shuffle(_rowOrder);
            _rowIndex = -1;
        }
        _row = _rowOrder[_rowIndex];
        _position++;
        if (_cache is not null)
            JoinVideo();
        return true;
    }

    /// <summary>Closes the shard being read (its cached groups go to the pool) and opens the next; false after the last.</summary>
    private bool OpenNextShard()
    {
        CloseShard();
        if (++_shardIndex >= _shardOrder.Length)
            return false;
        _shard = _source.Shards[_shardOrder[_shardIndex]];
        DecodeScratch? scratch = null;
        try
        {
            _questions = new QuestionGroupReader(_shard.QuestionsPath, _source.Shape, _questionColumns);
            if (_audio || _visual)
            {
                scratch = _pool?.TakeScratch();
                _videos = new VideoTableReader(_shard.VideosPath, _source.Shape, scratch) { OnColumnRead = _stats.ColumnRead };
                if (_directReads && _videos.File.Chunks.TryEnableDirectReads())
                    _stats.DirectReads = true;
                _cache = new VideoGroupCache(_videos, _audio, _visual, _cacheBytes, _pool);
            }
        }
        catch
        {
            // A shard that cannot be opened ends the pass: the cursor is disposed (MoveNext returns false after the error).
            if (_videos is null && scratch is not null)
                _pool!.ReturnScratch(scratch);
            Dispose();
            throw;
        }
        _groupOrder = Enumerable.Range(0, _questions!.File.RowGroupCount).ToArray();
        _order?.Shuffle(_groupOrder);
        _groupIndex = -1;
        return true;
    }

    private void CloseShard()
    {
        _questions?.Dispose();
        _questions = null;
        _videos?.Dispose();
        // The cache holds only completely decoded groups (a failed load never enters it), so even a failed cursor's are sound.
        if (_videos is not null && _pool is not null)
        {
            _cache!.ReturnAll();
            _pool.ReturnScratch(_videos.Scratch);
        }
        _loadsBefore += _cache?.Loads ?? 0;
        _videos = null;
        _cache = null;
    }

    private void JoinVideo()
    {
        string videoId = _questions!.Column(1)[_row]!;
        if (!_shard.VideoIndex.TryGetValue(videoId, out var at))
            throw new AvqaDataException(_questions.File.Path, DatasetSchema.VideoIdColumn, _questions.File.GroupStart(_groupOrder[_groupIndex]) + _row,
                $"Video '{videoId}' is not in {Path.GetFileName(_shard.VideosPath)}.");
        _video = _cache!.Get(at.Group);
        _videoRow = at.Row;
        _stats.VideoGroupLoads = _loadsBefore + _cache.Loads;
        _stats.PeakCacheBytes = Math.Max(_stats.PeakCacheBytes, _cache.PeakBytes);
        _stats.PeakCachedGroups = Math.Max(_stats.PeakCachedGroups, _cache.Count);
    }

    // Unique across the split: the row's position in the split's questions (the shards' tables in manifest order).
    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) =>
        id = new DataViewRowId((ulong)(_shard.QuestionsBefore + _questions!.File.GroupStart(_groupOrder[_groupIndex]) + _row), 0);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_active[column.Index])
            throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor.");
        Delegate getter = column.Index switch
        {
            < FirstVideoColumn => TextGetter(column.Index),
            FirstVideoColumn => VectorGetter(audio: true),
            FirstVideoColumn + 1 => VectorGetter(audio: false),
            FirstVideoColumn + 2 => MissingGetter(audio: true),
            _ => MissingGetter(audio: false),
        };
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}, not {typeof(TValue).Name}.");
    }

    private ValueGetter<ReadOnlyMemory<char>> TextGetter(int c) => (ref ReadOnlyMemory<char> value) =>
        value = _questions!.Column(c)[_row].AsMemory();

    private ValueGetter<VBuffer<float>> VectorGetter(bool audio) =>
        new FeatureGetter(this, audio, audio ? _source.Shape.AudioLength : _source.Shape.VisualLength).Get;

    /// <summary>
    /// A feature column's getter. A transform chain hands a column it passes through on as this very delegate, so the
    /// library's batch filler recognises it (<see cref="IFeatureRowSource"/>) and copies the row once, straight into
    /// its batch, instead of into a VBuffer and then into the batch.
    /// </summary>
    private sealed class FeatureGetter(AvqaRowCursor cursor, bool audio, int length) : IFeatureRowSource
    {
        public int Length => length;

        public void Get(ref VBuffer<float> value)
        {
            var editor = VBufferEditor.Create(ref value, length);
            CopyCurrent(editor.Values);
            value = editor.Commit();
        }

        public void CopyCurrent(Span<float> destination)
        {
            var column = audio ? cursor._video!.Audio : cursor._video!.Visual;
            if (column.IsMissing(cursor._videoRow))
                destination.Clear();
            else
                column.Row(cursor._videoRow, length).CopyTo(destination);
        }

        public bool TryLeaseCurrent(out ReadOnlyMemory<float> row, out DecodedVideoGroup owner)
        {
            owner = cursor._video!;
            var column = audio ? owner.Audio : owner.Visual;
            row = column.IsMissing(cursor._videoRow) ? default : column.RowMemory(cursor._videoRow, length);
            if (row.IsEmpty)
                return false;
            owner.AddLease();
            return true;
        }
    }

    private ValueGetter<bool> MissingGetter(bool audio) => (ref bool value) =>
        value = (audio ? _video!.Audio : _video!.Visual).IsMissing(_videoRow);

    protected override void Dispose(bool disposing)
    {
        if (_disposed)
            return;
        _disposed = true;
        if (disposing)
            CloseShard();
        base.Dispose(disposing);
    }
}
