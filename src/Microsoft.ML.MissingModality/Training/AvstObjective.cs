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

    public IReadOnlyList<Generator> Generators => [_negatives];

    public string MetricName => EpochReport.AccuracyMetric;

    public BatchResult TrainStep(TrainingBatch batch, Device device) => TrainStep(batch, device, ArrayPairs(batch, device));

    /// <summary>
    /// The loss of a batch whose substitute pairs are given as tensors (<paramref name="pairs"/>; null: AVST's loss):
    /// a joint training computes them in the same graph, so that Eq. 8's gradient reaches the networks that made them.
    /// </summary>
    public BatchResult TrainStep(TrainingBatch batch, Device device, SubstitutePairs? pairs)
    {
        var labels = BatchTensors.Labels(batch, device);
        var (q, audio) = Encode(batch, device);
        if (pairs is not { } substitutes)
        {
            var answered = AnswerRealPair(batch, device, audio, q);
            var negatives = AvstNetwork.DrawNegatives(new ArraySegment<long>(batch.VideoKeys, 0, batch.Count), _negatives).to(device);
            return new BatchResult(_network.Loss(answered, labels, negatives), CountCorrect(answered, labels), batch.Count);
        }

        var (real, recalledAudio, recalledVisual) = AnswerEq8Pairs(substitutes, BatchTensors.Visual(batch, _network.Config, device), audio, q);
        long correct = CountCorrect(real, labels);
        var loss = MaskedCrossEntropy(real, labels, BatchTensors.Mask(batch, i => !batch.AudioMissing[i] && !batch.VisualMissing[i], device))
            .Plus(MaskedCrossEntropy(recalledAudio, labels, BatchTensors.Mask(batch, i => !batch.VisualMissing[i], device))
               .Plus(MaskedCrossEntropy(recalledVisual, labels, BatchTensors.Mask(batch, i => !batch.AudioMissing[i], device))).Times(_recalledPairWeight));
        if (MatchingLoss(batch, real, device) is { } matching)
            loss = loss.Plus(matching.Times(_network.Config.MatchingLossWeight));
        return new BatchResult(loss, correct, batch.Count);
    }

    /// <summary>
    /// Accuracy as the rows will be answered. With recalled features, the mean over the combinations each row has
    /// (real pair, recalled audio, recalled visual), so that the epoch kept is good in every scenario, not only with
    /// complete inputs.
    /// </summary>
    public (double MetricSum, int Rows) Evaluate(TrainingBatch batch, Device device) => Evaluate(batch, device, ArrayPairs(batch, device));

    /// <summary><see cref="Evaluate(TrainingBatch, Device)"/> with the substitute pairs given as tensors.</summary>
    public (double MetricSum, int Rows) Evaluate(TrainingBatch batch, Device device, SubstitutePairs? pairs)
    {
        var labels = BatchTensors.Labels(batch, device);
        var (q, audio) = Encode(batch, device);
        if (pairs is not { } substitutes)
            return (Correct(AnswerRealPair(batch, device, audio, q), labels).sum().item<float>(), batch.Count);

        var complete = BatchTensors.Mask(batch, i => !batch.AudioMissing[i] && !batch.VisualMissing[i], device);
        var hasVisual = BatchTensors.Mask(batch, i => !batch.VisualMissing[i], device);
        var hasAudio = BatchTensors.Mask(batch, i => !batch.AudioMissing[i], device);
        var (real, recalledAudio, recalledVisual) = AnswerEq8Pairs(substitutes, BatchTensors.Visual(batch, _network.Config, device), audio, q);
        var correct = (Correct(real, labels) * complete)
            .Plus(Correct(recalledAudio, labels) * hasVisual)
            .Plus(Correct(recalledVisual, labels) * hasAudio);
        var combinations = complete.Plus(hasVisual).Plus(hasAudio).clamp_min(HeldScalars.One);
        return ((correct / combinations).sum().item<float>(), batch.Count);
    }

    public void Dispose() => _negatives.Dispose();

    // The batch's own substitute pairs (recalled or enhanced arrays); a part that is the real modality stays null.
    private SubstitutePairs? ArrayPairs(TrainingBatch batch, Device device)
    {
        if (batch.AudioMissingPair is not { } audioMissing || batch.VisualMissingPair is not { } visualMissing)
            return null;
        Tensor? Audio(float[] values) => ReferenceEquals(values, batch.Audio) ? null
            : AvstBatch.ReshapeAudio(BatchTensors.Rows(values, batch.Count, batch.AudioLength, device), _network.Config);
        Tensor? Visual(float[] values) => ReferenceEquals(values, batch.Visual) ? null
            : AvstBatch.ReshapeVisual(BatchTensors.Rows(values, batch.Count, batch.VisualLength, device), _network.Config);
        return new SubstitutePairs((Audio(audioMissing.Audio), Visual(audioMissing.Visual)), (Audio(visualMissing.Audio), Visual(visualMissing.Visual)));
    }

    // The question's and the real audio's encodings.
    private (Tensor Question, Tensor Audio) Encode(TrainingBatch batch, Device device) =>
        (_network.EncodeQuestion(BatchTensors.Question(batch, device)), _network.EncodeAudio(BatchTensors.Audio(batch, _network.Config, device)));

    // The real pair's answers, the maps read where their rows are when the batch references them.
    private AvstOutput AnswerRealPair(TrainingBatch batch, Device device, Tensor audio, Tensor q) =>
        BatchTensors.VisualRows(batch, _network.Config, device) is { } rows
            ? _network.Answer(audio, rows, q)
            : _network.Answer(audio, BatchTensors.Visual(batch, _network.Config, device), q);

    // Eq. 8's three answers in one pass of the network's back half: the real pair, the pair standing in for a missing
    // audio, the pair standing in for a missing picture. A substitute part that is the real modality (null) reuses the
    // real pass's tensors (and audio encoding).
    private (AvstOutput Real, AvstOutput AudioMissing, AvstOutput VisualMissing) AnswerEq8Pairs(SubstitutePairs substitutes,
        Tensor realVisual, Tensor realAudio, Tensor q)
    {
        (Tensor, Tensor) Pair((Tensor? Audio, Tensor? Visual) pair) =>
            (pair.Audio is null ? realAudio : _network.EncodeAudio(pair.Audio), pair.Visual ?? realVisual);
        var outputs = _network.AnswerMany([(realAudio, realVisual), Pair(substitutes.AudioMissing), Pair(substitutes.VisualMissing)], q);
        return (outputs[0], outputs[1], outputs[2]);
    }

    private static long CountCorrect(AvstOutput output, Tensor labels) => output.Logits.argmax(1).eq(labels).sum().item<long>();

    private static Tensor Correct(AvstOutput output, Tensor labels) => output.Logits.argmax(1).eq(labels).to_type(ScalarType.Float32);

    // Σ over the masked rows of their cross-entropy, divided by the whole batch: with every row present it is the plain mean.
    private static Tensor MaskedCrossEntropy(AvstOutput output, Tensor labels, Tensor mask) =>
        (nn.functional.cross_entropy(output.Logits, labels, reduction: nn.Reduction.None) * mask).sum().DividedBy(labels.shape[0]);

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

/// <summary>
/// What Eq. 8 answers a row without its audio from, and a row without its picture from: raw audio <c>[B, T, A]</c>
/// and maps <c>[B, T, C, P]</c>; a null part is the real modality.
/// </summary>
internal readonly record struct SubstitutePairs((Tensor? Audio, Tensor? Visual) AudioMissing, (Tensor? Audio, Tensor? Visual) VisualMissing);
