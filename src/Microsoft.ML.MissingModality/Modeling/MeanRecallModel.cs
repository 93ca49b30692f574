using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>Recalls the training mean of the missing modality, per segment and element, whatever the input.</summary>
internal sealed class MeanRecallModel : nn.Module, IRecallModel, IRecallFitter
{
    private readonly Tensor meanAudio;
    private readonly Tensor meanVisual;
    private Tensor? _audioSum, _visualSum;
    private long _rows;

    public MeanRecallModel(RecallShape shape) : base(nameof(MeanRecallModel))
    {
        Shape = shape;
        meanAudio = zeros(shape.Segments, shape.AudioDim);
        meanVisual = zeros(shape.Segments, shape.VisualChannels, shape.VisualPositions);
        register_buffer(nameof(meanAudio), meanAudio);
        register_buffer(nameof(meanVisual), meanVisual);
    }

    public RecallShape Shape { get; }

    public Tensor RecallAudio(Tensor visual, Tensor? question) => meanAudio.unsqueeze(0).expand(visual.shape[0], -1, -1).clone();

    public Tensor RecallVisual(Tensor audio, Tensor? question) => meanVisual.unsqueeze(0).expand(audio.shape[0], -1, -1, -1).clone();

    public void Accumulate(Tensor audio, Tensor visual, IReadOnlyList<long> videoKeys)
    {
        using var _ = no_grad();
        var a = audio.to(float64).sum([0]).DetachFromDisposeScope();
        var v = visual.to(float64).sum([0]).DetachFromDisposeScope();
        _audioSum = Add(_audioSum, a);
        _visualSum = Add(_visualSum, v);
        _rows += audio.shape[0];
    }

    public IRecallModel Complete()
    {
        if (_rows == 0 || _audioSum is null || _visualSum is null)
            throw new InvalidDataException("The mean recaller needs at least one row with both modalities; the training data has none.");
        using var _ = no_grad();
        using (var a = _audioSum.DividedBy(_rows).to(float32)) meanAudio.copy_(a);
        using (var v = _visualSum.DividedBy(_rows).to(float32)) meanVisual.copy_(v);
        _audioSum.Dispose();
        _visualSum.Dispose();
        _audioSum = _visualSum = null;
        return this;
    }

    private static Tensor Add(Tensor? total, Tensor value)
    {
        if (total is null)
            return value;
        total.PlusInPlace(value);
        value.Dispose();
        return total;
    }
}
