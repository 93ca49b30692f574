using Microsoft.ML.Data;

namespace Microsoft.ML.MissingModality.Scoring;

/// <summary>
/// The output of a transformer that scores in batches: the input's columns plus the transformer's outputs, where
/// each cursor reads up to <c>batchSize</c> input rows ahead, scores them in one call, then serves them row by row.
/// Input columns that are requested are cached for the batch; the rest are never read.
/// </summary>
internal sealed class BatchedTransformDataView : IDataView
{
    private readonly IDataView _source;
    private readonly IReadOnlyList<string> _scorerInputs;
    private readonly int _outputCount;
    private readonly int _batchSize;
    private readonly Func<IBatchScorer> _createScorer;

    public BatchedTransformDataView(IDataView source, DataViewSchema.DetachedColumn[] outputColumns,
        IReadOnlyList<string> scorerInputs, int batchSize, Func<IBatchScorer> createScorer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _source = source;
        _scorerInputs = scorerInputs;
        _outputCount = outputColumns.Length;
        _batchSize = batchSize;
        _createScorer = createScorer;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(source.Schema);
        foreach (var column in outputColumns)
            builder.AddColumn(column.Name, column.Type, column.Annotations);
        Schema = builder.ToSchema();
    }

    public DataViewSchema Schema { get; }

    /// <summary>As the source: rows are scored in the order the source's cursor gives them, shuffled or not.</summary>
    public bool CanShuffle => _source.CanShuffle;

    public long? GetRowCount() => _source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        int sourceCount = _source.Schema.Count;
        bool anyOutput = needed.Any(i => i >= sourceCount);
        var sourceNeeded = needed.Where(i => i < sourceCount).ToHashSet();
        if (anyOutput)
        {
            foreach (string name in _scorerInputs)
                sourceNeeded.Add(_source.Schema[name].Index);
        }
        var cursor = Internal.SerialCursor.Open(_source, sourceNeeded.Select(i => _source.Schema[i]), rand);
        return new Cursor(this, cursor, needed.Where(i => i < sourceCount).ToArray(), anyOutput ? _createScorer() : null);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BatchedTransformDataView _parent;
        private readonly DataViewRowCursor _source;
        private readonly IBatchScorer? _scorer;
        private readonly Dictionary<int, ColumnCache> _caches = new();
        private readonly Delegate?[] _outputGetters;
        private int _slot = -1, _filled;
        private long _position = -1;
        private bool _done;

        public Cursor(BatchedTransformDataView parent, DataViewRowCursor source, int[] passthrough, IBatchScorer? scorer)
        {
            _parent = parent;
            _source = source;
            _scorer = scorer;
            foreach (int index in passthrough)
                _caches[index] = ColumnCache.Create(source, source.Schema[index], parent._batchSize);
            _outputGetters = new Delegate?[parent._outputCount];
            if (scorer is not null)
            {
                for (int o = 0; o < _outputGetters.Length; o++)
                    _outputGetters[o] = scorer.MakeOutputGetter(o, () => _slot);
            }
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index < _parent._source.Schema.Count ? _caches.ContainsKey(column.Index) : _scorer is not null;

        public override bool MoveNext()
        {
            if (_done)
                return false;
            if (_slot + 1 < _filled)
            {
                _slot++;
                _position++;
                return true;
            }
            _filled = 0;
            while (_filled < _parent._batchSize && _source.MoveNext())
            {
                foreach (var cache in _caches.Values)
                    cache.Store(_filled);
                _scorer?.AddRow(_source, _filled);
                _filled++;
            }
            if (_filled == 0)
            {
                _done = true;
                return false;
            }
            _scorer?.ScoreBatch(_filled);
            _slot = 0;
            _position++;
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int sourceCount = _parent._source.Schema.Count;
            Delegate? getter = column.Index < sourceCount
                ? _caches.GetValueOrDefault(column.Index)?.MakeGetter(() => _slot)
                : _outputGetters[column.Index - sourceCount];
            if (getter is null)
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when this cursor was created.");
            return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
                $"Column '{column.Name}' holds {column.Type.RawType.Name}, not {typeof(TValue).Name}.");
        }

        public override ValueGetter<DataViewRowId> GetIdGetter()
        {
            return (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _scorer?.Dispose();
                _source.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
