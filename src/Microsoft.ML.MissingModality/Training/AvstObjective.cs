using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// The answerer's objective. Without recalled features it is AVST's loss: answer cross-entropy plus the weighted
/// audio-visual matching loss, a missing modality fed as zeros. With recalled features (an upstream recaller) it is
/// the paper's Eq. 8: CE(real a, real v) + CE(recalled a, real v) + CE(real a, recalled v) — after an AVR diffusion,
/// CE(real a, real v) + CE(enhanced recalled a, enhanced v) + CE(enhanced a, enhanced recalled v) — each term over
/// the rows that have what it needs (a row without audio contributes only the recalled-audio term; the paper assumes
/// complete training data, this also learns from incomplete rows), plus the matching loss on the complete rows.
/// </summary>
internal sealed class AvstObjective : ITrainingObjective, IDisposable
{
    private readonly AvstNetwork _network;
    private readonly Generator _negatives;
    private readonly double _recalledPairWeight;

    /// <param name="network">The answerer.</param>
    /// <param name="seed">Seeds the matching loss's negatives.</param>
    /// <param name="recalledPairWeight">Weight of Eq. 8's two recalled terms against the real pair's (1 as printed).</param>
    public AvstObjective(AvstNetwork network, int seed, double recalledPairWeight = 1)
    {
        _network = network;
        _negatives = new Generator((ulong)seed + 1);
        _recalledPairWeight = recalledPairWeight;
    }

    public nn.Module Network => _network;

    public string MetricName => EpochReport.AccuracyMetric;

    public BatchResult TrainStep(TrainingBatch batch, Device device)
    {
        var inputs = BatchTensors.Inputs(batch, _network.Config, device);
        var labels = BatchTensors.Labels(batch, device);
        var q = _network.EncodeQuestion(inputs);
        var audio = _network.EncodeAudio(inputs.Audio);
        var real = _network.Answer(audio, inputs.Visual, q);
        long correct = real.Logits.argmax(1).eq(labels).sum().item<long>();

        if (batch.AudioMissingPair is not { } audioMissingPair || batch.VisualMissingPair is not { } visualMissingPair)
        {
            var pairs = AvstNetwork.DrawNegatives(new ArraySegment<long>(batch.VideoKeys, 0, batch.Count), _negatives).to(device);
            return new BatchResult(_network.Loss(real, labels, pairs), correct, batch.Count);
        }

        var recalledAudio = AnswerPair(batch, audioMissingPair, inputs, audio, q, device);
        var recalledVisual = AnswerPair(batch, visualMissingPair, inputs, audio, q, device);
        var loss = MaskedCrossEntropy(real, labels, BatchTensors.Mask(batch, i => !batch.AudioMissing[i] && !batch.VisualMissing[i], device))
            + (MaskedCrossEntropy(recalledAudio, labels, BatchTensors.Mask(batch, i => !batch.VisualMissing[i], device))
               + MaskedCrossEntropy(recalledVisual, labels, BatchTensors.Mask(batch, i => !batch.AudioMissing[i], device))) * _recalledPairWeight;
        if (MatchingLoss(batch, real, device) is { } matching)
            loss = loss + matching * _network.Config.MatchingLossWeight;
        return new BatchResult(loss, correct, batch.Count);
    }

    /// <summary>
    /// Accuracy as the rows will be answered. With recalled features, the mean over the combinations each row has
    /// (real pair, recalled audio, recalled visual), so that the epoch kept is good in every scenario, not only with
    /// complete inputs.
    /// </summary>
    public (double MetricSum, int Rows) Evaluate(TrainingBatch batch, Device device)
    {
        var inputs = BatchTensors.Inputs(batch, _network.Config, device);
        var labels = BatchTensors.Labels(batch, device);
        var q = _network.EncodeQuestion(inputs);
        var audio = _network.EncodeAudio(inputs.Audio);
        if (batch.AudioMissingPair is not { } audioMissingPair || batch.VisualMissingPair is not { } visualMissingPair)
            return (Correct(_network.Answer(audio, inputs.Visual, q), labels).sum().item<float>(), batch.Count);

        var complete = BatchTensors.Mask(batch, i => !batch.AudioMissing[i] && !batch.VisualMissing[i], device);
        var hasVisual = BatchTensors.Mask(batch, i => !batch.VisualMissing[i], device);
        var hasAudio = BatchTensors.Mask(batch, i => !batch.AudioMissing[i], device);
        var correct = Correct(_network.Answer(audio, inputs.Visual, q), labels) * complete
            + Correct(AnswerPair(batch, audioMissingPair, inputs, audio, q, device), labels) * hasVisual
            + Correct(AnswerPair(batch, visualMissingPair, inputs, audio, q, device), labels) * hasAudio;
        var combinations = (complete + hasVisual + hasAudio).clamp_min(1);
        return ((correct / combinations).sum().item<float>(), batch.Count);
    }

    public void Dispose() => _negatives.Dispose();

    // Answers from a substitute pair; a part that is the real modality reuses the real pass's tensors (and audio encoding).
    private AvstOutput AnswerPair(TrainingBatch batch, (float[] Audio, float[] Visual) pair, AvstBatch real, Tensor realAudio, Tensor q, Device device)
    {
        var audio = ReferenceEquals(pair.Audio, batch.Audio) ? realAudio
            : _network.EncodeAudio(AvstBatch.ReshapeAudio(BatchTensors.Rows(pair.Audio, batch.Count, batch.AudioLength, device), _network.Config));
        var visual = ReferenceEquals(pair.Visual, batch.Visual) ? real.Visual
            : AvstBatch.ReshapeVisual(BatchTensors.Rows(pair.Visual, batch.Count, batch.VisualLength, device), _network.Config);
        return _network.Answer(audio, visual, q);
    }

    private static Tensor Correct(AvstOutput output, Tensor labels) => output.Logits.argmax(1).eq(labels).to_type(ScalarType.Float32);

    // Σ over the masked rows of their cross-entropy, divided by the whole batch: with every row present it is the plain mean.
    private static Tensor MaskedCrossEntropy(AvstOutput output, Tensor labels, Tensor mask) =>
        (nn.functional.cross_entropy(output.Logits, labels, reduction: nn.Reduction.None) * mask).sum() / labels.shape[0];

    // The matching loss needs real pairs: only the complete rows take part, with negatives from their other videos.
    private Tensor? MatchingLoss(TrainingBatch batch, AvstOutput real, Device device)
    {
        if (_network.Config.MatchingLossWeight <= 0)
            return null;
        var rows = BatchTensors.Where(batch, i => !batch.AudioMissing[i] && !batch.VisualMissing[i]);
        if (rows.Length < 2)
            return null;
        var keys = rows.Select(i => batch.VideoKeys[i]).ToArray();
        var pairs = AvstNetwork.DrawNegatives(keys, _negatives).to(device);
        if (rows.Length == batch.Count)
            return _network.MatchingLoss(real, pairs);
        var index = tensor(rows, device: device);
        var subset = new AvstOutput(real.Logits.index_select(0, index), real.AudioSegments.index_select(0, index), real.VisualSegments.index_select(0, index));
        return _network.MatchingLoss(subset, pairs);
    }
}
