using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// Recalls the other modality of the nearest complete training video in the available modality's space: audio
/// missing — nearest by the visual maps pooled over positions (<c>[T·C]</c>), answer its audio; visual missing —
/// nearest by the audio (<c>[T·A]</c>), answer its maps. The bank holds up to a capacity of distinct videos (the
/// first ones seen), since at MUSIC-AVQA's shapes one video's maps take 4 MB.
/// </summary>
internal sealed class NearestNeighbourRecallModel : nn.Module, IRecallModel
{
    private readonly Tensor bankAudio;
    private readonly Tensor bankVisual;

    /// <summary>An empty bank of <paramref name="videos"/> videos (to load saved weights into).</summary>
    public NearestNeighbourRecallModel(RecallShape shape, int videos)
        : this(shape, zeros(videos, shape.Segments, shape.AudioDim), zeros(videos, shape.Segments, shape.VisualChannels, shape.VisualPositions))
    {
    }

    private NearestNeighbourRecallModel(RecallShape shape, Tensor audio, Tensor visual) : base(nameof(NearestNeighbourRecallModel))
    {
        Shape = shape;
        bankAudio = audio;
        bankVisual = visual;
        RegisterComponents();
    }

    public RecallShape Shape { get; }

    /// <summary>Videos in the bank.</summary>
    public int Videos => (int)bankAudio.shape[0];

    public Tensor RecallAudio(Tensor visual, Tensor? question)
    {
        using var scope = NewDisposeScope();
        var nearest = cdist(visual.mean([3]).flatten(1), bankVisual.mean([3]).flatten(1)).argmin(1);
        return bankAudio.index_select(0, nearest).MoveToOuterDisposeScope();
    }

    public Tensor RecallVisual(Tensor audio, Tensor? question)
    {
        using var scope = NewDisposeScope();
        var nearest = cdist(audio.flatten(1), bankAudio.flatten(1)).argmin(1);
        return bankVisual.index_select(0, nearest).MoveToOuterDisposeScope();
    }

    /// <summary>Collects the bank from the complete training rows, one entry per distinct video.</summary>
    public sealed class Fitter(RecallShape shape, int capacity) : IRecallFitter
    {
        private readonly List<float[]> _audio = [], _visual = [];
        private readonly HashSet<long> _seen = [];

        public void Accumulate(Tensor audio, Tensor visual, IReadOnlyList<long> videoKeys)
        {
            using var scope = NewDisposeScope();
            var a = audio.cpu().contiguous();
            var v = visual.cpu().contiguous();
            for (int i = 0; i < videoKeys.Count && _audio.Count < capacity; i++)
            {
                if (!_seen.Add(videoKeys[i]))
                    continue;
                _audio.Add(a[i].data<float>().ToArray());
                _visual.Add(v[i].data<float>().ToArray());
            }
        }

        public IRecallModel Complete()
        {
            if (_audio.Count == 0)
                throw new InvalidDataException("The nearest-neighbour recaller needs at least one row with both modalities; the training data has none.");
            var audio = tensor(_audio.SelectMany(r => r).ToArray(), [_audio.Count, shape.Segments, shape.AudioDim]);
            var visual = tensor(_visual.SelectMany(r => r).ToArray(), [_visual.Count, shape.Segments, shape.VisualChannels, shape.VisualPositions]);
            return new NearestNeighbourRecallModel(shape, audio, visual);
        }
    }
}
