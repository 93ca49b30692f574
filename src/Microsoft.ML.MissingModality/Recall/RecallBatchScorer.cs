using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Scoring;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Recall;

/// <summary>Recalls both modalities for up to <c>capacity</c> rows per call (eval mode, no_grad); zeros where the source is absent.</summary>
internal sealed class RecallBatchScorer : BindingBatchScorer
{
    private readonly RecallTransformer _owner;
    private readonly float[] _audio, _visual;

    public RecallBatchScorer(RecallTransformer owner, int capacity) : base(owner.Binding, capacity)
    {
        _owner = owner;
        var b = owner.Binding;
        _audio = new float[capacity * b.AudioLength];
        _visual = new float[capacity * b.VisualLength];
    }

    private protected override void Score(int count)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var device = _owner.Device;
        var (audio, visual) = BatchTensors.Pair(Batch, _owner.Config.Shape, device);
        var question = _owner.Binding.HasQuestion ? BatchTensors.Question(Batch, device) : null;
        var (recalledAudio, recalledVisual) = _owner.Model.RecallBoth(audio, visual, question);
        BatchTensors.CopyTo(recalledAudio, _audio.AsSpan(0, count * Batch.AudioLength));
        BatchTensors.CopyTo(recalledVisual, _visual.AsSpan(0, count * Batch.VisualLength));
        for (int i = 0; i < count; i++)
        {
            if (Batch.VisualMissing[i])
                _audio.AsSpan(i * Batch.AudioLength, Batch.AudioLength).Clear();
            if (Batch.AudioMissing[i])
                _visual.AsSpan(i * Batch.VisualLength, Batch.VisualLength).Clear();
        }
    }

    public override Delegate MakeOutputGetter(int outputIndex, Func<int> currentSlot) => outputIndex switch
    {
        0 => SlotGetter(_audio, Batch.AudioLength, currentSlot),
        1 => SlotGetter(_visual, Batch.VisualLength, currentSlot),
        _ => throw new ArgumentOutOfRangeException(nameof(outputIndex)),
    };
}
