using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>Recalls nothing: zeros of the missing modality's shape, AVST's rule for an absent stream, as a recaller.</summary>
internal sealed class ZeroRecallModel : nn.Module, IRecallModel, IRecallFitter
{
    public ZeroRecallModel(RecallShape shape) : base(nameof(ZeroRecallModel)) => Shape = shape;

    public RecallShape Shape { get; }

    public Tensor RecallAudio(Tensor visual, Tensor? question) =>
        zeros(visual.shape[0], Shape.Segments, Shape.AudioDim, device: visual.device);

    public Tensor RecallVisual(Tensor audio, Tensor? question) =>
        zeros(audio.shape[0], Shape.Segments, Shape.VisualChannels, Shape.VisualPositions, device: audio.device);

    public void Accumulate(Tensor audio, Tensor visual, IReadOnlyList<long> videoKeys)
    {
    }

    public IRecallModel Complete() => this;
}
