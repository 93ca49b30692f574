using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Avqa;

/// <summary>
/// Batches of an IDataView for the training loop: one cursor per pass, shuffled per epoch when the view supports
/// it. Rows whose answer is not in the label dictionary are skipped for training (they cannot be learned) or kept
/// with label -1 for validation (they count as wrong).
/// </summary>
internal sealed class DataViewBatchSource : IBatchSource
{
    private readonly IDataView _data;
    private readonly AvqaInputBinding _binding;
    private readonly string _labelColumn;
    private readonly int _batchSize;
    private readonly int? _shuffleSeed;
    private readonly bool _skipUnknownAnswers;
    private readonly string? _videoIdColumn;

    public DataViewBatchSource(IDataView data, AvqaInputBinding binding, string labelColumn, int batchSize, int? shuffleSeed,
        bool skipUnknownAnswers, string? videoIdColumn = null)
    {
        _videoIdColumn = videoIdColumn;
        _skipUnknownAnswers = skipUnknownAnswers;
        _data = data;
        _binding = binding;
        _labelColumn = labelColumn;
        _batchSize = batchSize;
        _shuffleSeed = shuffleSeed;
    }

    /// <summary>Rows skipped in the last pass because their answer was not in the label dictionary.</summary>
    public long SkippedRows { get; private set; }

    public IEnumerable<TrainingBatch> ReadEpoch(int epoch)
    {
        var batch = new TrainingBatch(_batchSize, _binding.AudioLength, _binding.VisualLength, _binding.QuestionLength, _binding.QuestionIsTokens);
        var random = _shuffleSeed is int seed && _data.CanShuffle ? new Random(unchecked(seed * 7919 + epoch)) : null;
        SkippedRows = 0;
        using var cursor = _data.GetRowCursor(AvqaRowReader.Needed(_data.Schema, _binding, _labelColumn, _videoIdColumn), random);
        var reader = new AvqaRowReader(cursor, _binding, _labelColumn, _videoIdColumn);
        int slot = 0;
        while (cursor.MoveNext())
        {
            if (!reader.Fill(batch, slot) && _skipUnknownAnswers)
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
