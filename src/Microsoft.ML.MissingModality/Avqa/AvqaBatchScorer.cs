using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Scoring;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Avqa;

/// <summary>
/// Scores up to <c>capacity</c> rows per forward pass of the AVST network (eval mode, no_grad). A row flagged
/// audio-missing is answered from its recalled audio and real picture, visual-missing from its real audio and
/// recalled picture, when the model was trained with recalled features; otherwise from zeros (AVST's rule).
/// </summary>
internal sealed class AvqaBatchScorer : BindingBatchScorer
{
    private readonly AvqaTransformer _owner;
    private readonly float[] _probabilities;
    private readonly uint[] _predicted;
    private readonly int _answers;

    public AvqaBatchScorer(AvqaTransformer owner, int capacity) : base(owner.Binding, capacity)
    {
        _owner = owner;
        _answers = owner.Answers.Count;
        _probabilities = new float[capacity * _answers];
        _predicted = new uint[capacity];
    }

    private protected override void Score(int count)
    {
        Batch.SubstituteRecalledForMissing();
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var network = _owner.Network;
        var output = network.forward(BatchTensors.Inputs(Batch, network.Config, DeviceOf(network)));
        var probabilities = torch.nn.functional.softmax(output.Logits, 1).cpu();
        BatchTensors.CopyTo(probabilities, _probabilities.AsSpan(0, count * _answers));
        var predicted = probabilities.argmax(1).data<long>().ToArray();
        for (int i = 0; i < count; i++)
            _predicted[i] = (uint)predicted[i] + 1;
    }

    public override Delegate MakeOutputGetter(int outputIndex, Func<int> currentSlot) => outputIndex switch
    {
        0 => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
        {
            int slot = currentSlot();
            var editor = VBufferEditor.Create(ref value, _answers);
            _probabilities.AsSpan(slot * _answers, _answers).CopyTo(editor.Values);
            value = editor.Commit();
        }),
        1 => (ValueGetter<uint>)((ref uint value) => value = _predicted[currentSlot()]),
        _ => throw new ArgumentOutOfRangeException(nameof(outputIndex)),
    };

    private static torch.Device DeviceOf(TorchSharp.torch.nn.Module network) => network.parameters().First().device;
}
