using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Components;

/// <summary>
/// Batches of an IDataView for the training loop: one cursor per pass, shuffled per epoch when the view supports
/// it. With a label column, rows whose answer is not in the label dictionary are skipped for training (they cannot
/// be learned) or kept with label -1 for validation (they count as wrong). With <c>completeRowsOnly</c>, rows missing
/// a modality are skipped (a recaller learns only from rows that have both). The batches are allocated once and
/// reused for every pass; with <see cref="PrefetchBatches"/> above 0 they are filled on another thread ahead of use.
/// A batch whose rows are too large to hold at once is yielded in chunks (<c>chunkRows</c>): the rows, their order
/// and the batches they form are the same, only fewer of them are in memory at a time.
/// </summary>
internal sealed class DataViewBatchSource : IBatchSource
{
    private readonly IDataView _data;
    private readonly FeatureBinding _binding;
    private readonly string? _labelColumn;
    private readonly bool _completeRowsOnly;
    private readonly int _batchSize;
    private readonly int _chunkRows;
    private readonly int? _shuffleSeed;
    private readonly bool _skipUnknownAnswers;
    private readonly string? _videoIdColumn;
    private TrainingBatchPool? _pool;

    /// <param name="data">The rows.</param>
    /// <param name="binding">Which columns fill which roles of a batch.</param>
    /// <param name="labelColumn">The answer key column, or null for a component that learns without answers.</param>
    /// <param name="batchSize">Rows per training step.</param>
    /// <param name="shuffleSeed">Seeds the row order of each pass (with the epoch); null keeps the view's order.</param>
    /// <param name="skipUnknownAnswers">Skip rows whose answer the label dictionary lacks (training), else keep them with label -1.</param>
    /// <param name="videoIdColumn">The video column that keys the matching loss's negatives, if any.</param>
    /// <param name="completeRowsOnly">Skip rows missing a modality.</param>
    /// <param name="chunkRows">
    /// Rows per yielded batch when a training batch is too large to hold at once: each batch of
    /// <paramref name="batchSize"/> rows is yielded as chunks of at most this many, the last marked
    /// <see cref="TrainingBatch.EndsStep"/> (a pass's last chunk may be left unmarked when it fills up exactly: a pass's
    /// end also ends its step). Null: whole batches.
    /// </param>
    public DataViewBatchSource(IDataView data, FeatureBinding binding, string? labelColumn, int batchSize, int? shuffleSeed,
        bool skipUnknownAnswers, string? videoIdColumn = null, bool completeRowsOnly = false, int? chunkRows = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _chunkRows = Math.Clamp(chunkRows ?? batchSize, 1, batchSize);
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
    /// 512 MiB: AVST's batches of 64 at MUSIC-AVQA's shapes (257 MB) are read ahead, and so are the full method's
    /// answerer chunks (11 rows of three 4 MB maps, 133 MB); a whole answerer batch of 64 (770 MB) would not be.
    /// </summary>
    public const long ReadAheadBudgetBytes = 512L << 20;

    /// <summary>The batches actually read ahead: <see cref="PrefetchBatches"/> within <see cref="ReadAheadBudgetBytes"/>.</summary>
    public int ReadAheadBatches => (int)Math.Min(PrefetchBatches, ReadAheadBudgetBytes / Math.Max(1, sizeof(float) * _binding.BatchRowFloats * _chunkRows));

    /// <summary>
    /// Where each pass borrows its batches: give a training source and its validation source the same pool, so that
    /// they share one set (same binding and rows per yielded batch). Unset: a pool of this source's own.
    /// </summary>
    public TrainingBatchPool BatchPool { get => _pool ??= NewBatchPool(); init => _pool = value; }

    /// <summary>
    /// Batches reference the real visual rows where the dataset reader decoded them instead of copying them (see
    /// <see cref="TrainingBatch.VisualRows"/>): for a consumer that grounds maps from the rows, the one copy of every
    /// map per pass is gone. A consumer that reads <see cref="TrainingBatch.Visual"/> still gets the copy, on its own
    /// thread. Applies to the batches of a pool this source makes.
    /// </summary>
    public bool ReferenceVisualRows { get; init; }

    private TrainingBatchPool NewBatchPool() => new(() => _binding.NewBatch(_chunkRows, ReferenceVisualRows));

    /// <summary>Rows skipped in the last pass: an answer not in the label dictionary, or (complete rows only) a missing modality.</summary>
    public long SkippedRows { get; private set; }

    public void ReleaseBatches() => BatchPool.Clear();

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
        int slot = 0, rowsInStep = 0;
        while (cursor.MoveNext())
        {
            if (batch is null)
            {
                batch = rent();
                batch.ReleaseRows(); // the rows its last use referenced
            }
            bool known = reader.Fill(batch, slot);
            if ((!known && _skipUnknownAnswers) || (_completeRowsOnly && (batch.AudioMissing[slot] || batch.VisualMissing[slot])))
            {
                SkippedRows++;
                continue;
            }
            ++slot;
            bool endsStep = ++rowsInStep == _batchSize;
            if (endsStep || slot == _chunkRows)
            {
                (batch.Count, batch.EndsStep) = (slot, endsStep);
                yield return batch;
                batch = null;
                slot = 0;
                if (endsStep)
                    rowsInStep = 0;
            }
        }
        if (slot > 0)
        {
            (batch!.Count, batch.EndsStep) = (slot, true);
            yield return batch;
        }
    }
}
