using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Components;

/// <summary>
/// Batches of an IDataView for the training loop: one cursor per pass, shuffled per epoch when the view supports
/// it. With a label column, rows whose answer is not in the label dictionary are skipped for training (they cannot
/// be learned) or kept with label -1 for validation (they count as wrong). With <c>completeRowsOnly</c>, rows missing
/// a modality are skipped (a recaller learns only from rows that have both). The batches are allocated once and
/// reused for every pass; with <see cref="PrefetchBatches"/> above 0 they are filled on another thread ahead of use.
/// </summary>
internal sealed class DataViewBatchSource : IBatchSource
{
    private readonly IDataView _data;
    private readonly FeatureBinding _binding;
    private readonly string? _labelColumn;
    private readonly bool _completeRowsOnly;
    private readonly int _batchSize;
    private readonly int? _shuffleSeed;
    private readonly bool _skipUnknownAnswers;
    private readonly string? _videoIdColumn;
    private TrainingBatchPool? _pool;

    public DataViewBatchSource(IDataView data, FeatureBinding binding, string? labelColumn, int batchSize, int? shuffleSeed,
        bool skipUnknownAnswers, string? videoIdColumn = null, bool completeRowsOnly = false)
    {
        _completeRowsOnly = completeRowsOnly;
        _videoIdColumn = videoIdColumn;
        _skipUnknownAnswers = skipUnknownAnswers;
        _data = data;
        _binding = binding;
        _labelColumn = labelColumn;
        _batchSize = batchSize;
        _shuffleSeed = shuffleSeed;
    }

    /// <summary>
    /// Batches filled ahead on another thread (each one batch of memory), at most as many as fit
    /// <see cref="ReadAheadBudgetBytes"/>; 0 fills them on the caller's thread.
    /// </summary>
    public int PrefetchBatches { get; init; }

    /// <summary>
    /// 512 MiB: AVST's batches of 64 at MUSIC-AVQA's shapes (257 MB) are read ahead, the full method's answerer batches
    /// of 64 (three 4 MB maps a row, 770 MB) are not — at those shapes the step is long enough that reading in series
    /// costs little (docs/benchmarks.md), and a second batch would be a quarter of the memory bound.
    /// </summary>
    public const long ReadAheadBudgetBytes = 512L << 20;

    /// <summary>The batches actually read ahead: <see cref="PrefetchBatches"/> within <see cref="ReadAheadBudgetBytes"/>.</summary>
    public int ReadAheadBatches => (int)Math.Min(PrefetchBatches, ReadAheadBudgetBytes / Math.Max(1, sizeof(float) * _binding.BatchRowFloats * _batchSize));

    /// <summary>
    /// Where each pass borrows its batches: give a training source and its validation source the same pool, so that
    /// they share one set (same binding and batch size). Unset: a pool of this source's own.
    /// </summary>
    public TrainingBatchPool BatchPool { get => _pool ??= NewBatchPool(); init => _pool = value; }

    private TrainingBatchPool NewBatchPool() => new(() => _binding.NewBatch(_batchSize));

    /// <summary>Rows skipped in the last pass: an answer not in the label dictionary, or (complete rows only) a missing modality.</summary>
    public long SkippedRows { get; private set; }

    public IEnumerable<TrainingBatch> ReadEpoch(int epoch)
    {
        var pool = BatchPool;
        int readAhead = ReadAheadBatches;
        var batches = pool.Rent(readAhead + 1);
        try
        {
            var pass = readAhead == 0 ? Fill(epoch, () => batches[0]) : BatchPrefetch.Ahead(batches, rent => Fill(epoch, rent));
            foreach (var batch in pass)
                yield return batch;
        }
        finally
        {
            pool.Return(batches);
        }
    }

    // One pass: each yielded batch is filled in a batch from rent(), and a new one is rented after each yield.
    private IEnumerable<TrainingBatch> Fill(int epoch, Func<TrainingBatch> rent)
    {
        var random = _shuffleSeed is int seed && _data.CanShuffle ? new Random(unchecked(seed * 7919 + epoch)) : null;
        SkippedRows = 0;
        using var cursor = Internal.SerialCursor.Open(_data, BatchRowReader.Needed(_data.Schema, _binding, _labelColumn, _videoIdColumn), random);
        var reader = new BatchRowReader(cursor, _binding, _labelColumn, _videoIdColumn);
        TrainingBatch? batch = null;
        int slot = 0;
        while (cursor.MoveNext())
        {
            batch ??= rent();
            bool known = reader.Fill(batch, slot);
            if ((!known && _skipUnknownAnswers) || (_completeRowsOnly && (batch.AudioMissing[slot] || batch.VisualMissing[slot])))
            {
                SkippedRows++;
                continue;
            }
            if (++slot == _batchSize)
            {
                batch.Count = slot;
                yield return batch;
                batch = null;
                slot = 0;
            }
        }
        if (slot > 0)
        {
            batch!.Count = slot;
            yield return batch;
        }
    }
}
