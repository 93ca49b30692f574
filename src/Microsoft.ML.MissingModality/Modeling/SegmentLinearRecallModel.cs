using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// The ridge-regression baseline at the data's shapes: one affine map per direction, shared by all segments —
/// audio <c>[A]</c> → visual map <c>[C·P]</c>, and visual map pooled over positions <c>[C]</c> → audio <c>[A]</c>
/// (a map from the whole <c>C·P</c> map would need a Gram matrix of (C·P)², 40 GB at MUSIC-AVQA's 100,352). Fitted in
/// closed form from sums accumulated over the complete training rows, in double precision.
/// </summary>
internal sealed class SegmentLinearRecallModel : nn.Module, IRecallModel, IRecallFitter
{
    private readonly Linear audioToVisual;
    private readonly Linear visualToAudio;
    private readonly RidgeAccumulator _audioToVisual, _visualToAudio;

    public SegmentLinearRecallModel(RecallShape shape, double l2PerRow) : base(nameof(SegmentLinearRecallModel))
    {
        Shape = shape;
        L2PerRow = l2PerRow;
        audioToVisual = nn.Linear(shape.AudioDim, shape.VisualSlotSize);
        visualToAudio = nn.Linear(shape.VisualChannels, shape.AudioDim);
        RegisterComponents();
        _audioToVisual = new RidgeAccumulator(shape.AudioDim);
        _visualToAudio = new RidgeAccumulator(shape.VisualChannels);
    }

    public RecallShape Shape { get; }

    public double L2PerRow { get; }

    public Tensor RecallAudio(Tensor visual, Tensor? question) => visualToAudio.forward(visual.mean([3]));

    public Tensor RecallVisual(Tensor audio, Tensor? question) =>
        audioToVisual.forward(audio).view(audio.shape[0], audio.shape[1], Shape.VisualChannels, Shape.VisualPositions);

    public void Accumulate(Tensor audio, Tensor visual, IReadOnlyList<long> videoKeys)
    {
        using var scope = NewDisposeScope();
        var a = audio.reshape(-1, Shape.AudioDim);
        _audioToVisual.Add(a, visual.reshape(-1, Shape.VisualSlotSize));
        _visualToAudio.Add(visual.mean([3]).reshape(-1, Shape.VisualChannels), a);
    }

    public IRecallModel Complete()
    {
        _audioToVisual.SolveInto(audioToVisual, L2PerRow);
        _visualToAudio.SolveInto(visualToAudio, L2PerRow);
        return this;
    }

    /// <summary>Σx, Σy, XᵀX and XᵀY in double precision, solved as ridge regression on centred data.</summary>
    private sealed class RidgeAccumulator(int inputs)
    {
        private Tensor? _xx, _xy, _x, _y;
        private long _rows;

        public void Add(Tensor x, Tensor y)
        {
            using var _ = no_grad();
            var xd = x.to(float64);
            var yd = y.to(float64);
            Accumulate(ref _xx, xd.t().matmul(xd));
            Accumulate(ref _xy, xd.t().matmul(yd));
            Accumulate(ref _x, xd.sum([0]));
            Accumulate(ref _y, yd.sum([0]));
            _rows += x.shape[0];
        }

        public void SolveInto(Linear layer, double l2PerRow)
        {
            if (_rows == 0 || _xx is null || _xy is null || _x is null || _y is null)
                throw new InvalidDataException("The linear recaller needs at least one row with both modalities; the training data has none.");
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var xMean = _x.DividedBy(_rows);
            var yMean = _y.DividedBy(_rows);
            // Centred moments: XcᵀXc = XᵀX − N x̄x̄ᵀ, XcᵀYc = XᵀY − N x̄ȳᵀ.
            var gram = (_xx - xMean.outer(xMean).Times(_rows)).Plus(eye(inputs, dtype: float64, device: _xx.device).Times(l2PerRow * _rows));
            var cross = _xy - xMean.outer(yMean).Times(_rows);
            var weight = linalg.solve(gram, cross);                                // [in, out]
            var bias = yMean - xMean.matmul(weight);
            layer.weight!.copy_(weight.t().to(float32));
            layer.bias!.copy_(bias.to(float32));
            foreach (var t in new[] { _xx, _xy, _x, _y }) t.Dispose();
            _xx = _xy = _x = _y = null;
            _rows = 0;
        }

        private static void Accumulate(ref Tensor? total, Tensor value)
        {
            if (total is null)
            {
                total = value.DetachFromDisposeScope();
                return;
            }
            total.PlusInPlace(value);
        }
    }
}
