using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Scoring;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Recall;

/// <summary>Recalls both modalities for up to <c>capacity</c> rows per call (eval mode, no_grad); zeros where the source is absent.</summary>
internal sealed class RecallBatchScorer : IBatchScorer
{
    private readonly RecallTransformer _owner;
    private readonly TrainingBatch _batch;
    private readonly float[] _audio, _visual;
    private BatchRowReader? _reader;
    private DataViewRow? _readerRow;

    public RecallBatchScorer(RecallTransformer owner, int capacity)
    {
        _owner = owner;
        var b = owner.Binding;
        _batch = new TrainingBatch(capacity, b.AudioLength, b.VisualLength, b.QuestionLength, b.QuestionIsTokens);
        _audio = new float[capacity * b.AudioLength];
        _visual = new float[capacity * b.VisualLength];
    }

    public void AddRow(DataViewRow input, int slot)
    {
        if (!ReferenceEquals(input, _readerRow))
        {
            _reader = new BatchRowReader(input, _owner.Binding, labelColumn: null);
            _readerRow = input;
        }
        _reader!.Fill(_batch, slot);
    }

    public void ScoreBatch(int count)
    {
        _batch.Count = count;
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var device = _owner.Device;
        var (audio, visual) = BatchTensors.Pair(_batch, _owner.Config.Shape, device);
        var question = _owner.Binding.HasQuestion ? BatchTensors.Question(_batch, device) : null;
        _owner.Model.RecallAudio(visual, question).cpu().contiguous().data<float>().CopyTo(_audio.AsSpan(0, count * _batch.AudioLength));
        _owner.Model.RecallVisual(audio, question).cpu().contiguous().data<float>().CopyTo(_visual.AsSpan(0, count * _batch.VisualLength));
        for (int i = 0; i < count; i++)
        {
            if (_batch.VisualMissing[i])
                _audio.AsSpan(i * _batch.AudioLength, _batch.AudioLength).Clear();
            if (_batch.AudioMissing[i])
                _visual.AsSpan(i * _batch.VisualLength, _batch.VisualLength).Clear();
        }
    }

    public Delegate MakeOutputGetter(int outputIndex, Func<int> currentSlot) => outputIndex switch
    {
        0 => Getter(_audio, _batch.AudioLength, currentSlot),
        1 => Getter(_visual, _batch.VisualLength, currentSlot),
        _ => throw new ArgumentOutOfRangeException(nameof(outputIndex)),
    };

    public void Dispose()
    {
    }

    private static ValueGetter<VBuffer<float>> Getter(float[] values, int length, Func<int> currentSlot) =>
        (ref VBuffer<float> destination) =>
        {
            var editor = VBufferEditor.Create(ref destination, length);
            values.AsSpan(currentSlot() * length, length).CopyTo(editor.Values);
            destination = editor.Commit();
        };
}
