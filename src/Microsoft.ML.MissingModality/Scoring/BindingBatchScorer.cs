using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Scoring;

/// <summary>
/// Base of the scorers that read their inputs by role: rows are copied into a <see cref="TrainingBatch"/> through
/// the binding's column binder (one per input cursor); derived scorers compute their outputs from the batch.
/// </summary>
internal abstract class BindingBatchScorer : IBatchScorer
{
    private readonly FeatureBinding _binding;
    private BatchRowReader? _reader;
    private DataViewRow? _readerRow;

    private protected BindingBatchScorer(FeatureBinding binding, int capacity)
    {
        _binding = binding;
        Batch = binding.NewBatch(capacity);
    }

    /// <summary>The rows added since the last <see cref="ScoreBatch"/>.</summary>
    private protected TrainingBatch Batch { get; }

    public void AddRow(DataViewRow input, int slot)
    {
        if (!ReferenceEquals(input, _readerRow))
        {
            _reader = new BatchRowReader(input, _binding, labelColumn: null);
            _readerRow = input;
        }
        _reader!.Fill(Batch, slot);
    }

    public void ScoreBatch(int count)
    {
        Batch.Count = count;
        Score(count);
    }

    /// <summary>Computes the outputs of the batch's first <paramref name="count"/> rows.</summary>
    private protected abstract void Score(int count);

    public abstract Delegate MakeOutputGetter(int outputIndex, Func<int> currentSlot);

    public void Dispose()
    {
    }

    /// <summary>A getter of the current slot's values in a flat per-batch output array.</summary>
    private protected static ValueGetter<VBuffer<float>> SlotGetter(float[] values, int length, Func<int> currentSlot) =>
        (ref VBuffer<float> destination) =>
        {
            var editor = VBufferEditor.Create(ref destination, length);
            values.AsSpan(currentSlot() * length, length).CopyTo(editor.Values);
            destination = editor.Commit();
        };
}
