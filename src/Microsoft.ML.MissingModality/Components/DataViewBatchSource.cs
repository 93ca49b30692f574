using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Components;

/// <summary>
/// Batches of an IDataView for the training loop: one cursor per pass, shuffled per epoch when the view supports
/// it. With a label column, rows whose answer is not in the label dictionary are skipped for training (they cannot
/// be learned) or kept with label -1 for validation (they count as wrong). With <c>completeRowsOnly</c>, rows missing
/// a modality are skipped (a recaller learns only from rows that have both).
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

    /// <summary>Rows skipped in the last pass: an answer not in the label dictionary, or (complete rows only) a missing modality.</summary>
    public long SkippedRows { get; private set; }

    public IEnumerable<TrainingBatch> ReadEpoch(int epoch)
    {
        var batch = new TrainingBatch(_batchSize, _binding.AudioLength, _binding.VisualLength, _binding.QuestionLength, _binding.QuestionIsTokens, _binding.HasRecalled, _binding.HasEnhanced);
        var random = _shuffleSeed is int seed && _data.CanShuffle ? new Random(unchecked(seed * 7919 + epoch)) : null;
        SkippedRows = 0;
        using var cursor = _data.GetRowCursor(BatchRowReader.Needed(_data.Schema, _binding, _labelColumn, _videoIdColumn), random);
        var reader = new BatchRowReader(cursor, _binding, _labelColumn, _videoIdColumn);
        int slot = 0;
        while (cursor.MoveNext())
        {
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
                slot = 0;
            }
        }
        if (slot > 0)
        {
            batch.Count = slot;
            yield return batch;
        }
    }
}
