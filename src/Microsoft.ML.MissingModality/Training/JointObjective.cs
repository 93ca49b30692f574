using Microsoft.ML.MissingModality.Diffusion;
using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// The paper's total loss (Sec. 3.3): L_total = L_avqa + λ1 L_rmmr + λ2 L_ave in one graph. Per batch the generator
/// recalls both modalities from the real rows, the diffusion (if any) enhances the two (recalled, real) pairs, and the
/// answerer's Eq. 8 is taken on them (<see cref="AvstObjective"/>); RMMR and AVE are taken on the complete rows. The
/// answer loss reaches the generator and the diffusion unless <see cref="JointLossSettings"/> stops it. The metric is
/// the answerer's (mean accuracy over the combinations each row has). No ML.NET types.
/// </summary>
internal sealed class JointObjective : ITrainingObjective, IDisposable
{
    private readonly JointNetworks _networks;
    private readonly AvstObjective _answerer;
    private readonly AudioVisualDiffusion? _diffusion;
    private readonly EnhancementSettings? _enhancement;
    private readonly JointLossSettings _settings;
    private readonly int _seed;
    private readonly Generator _enhancementNoise;
    private readonly Generator _diffusionNoise;
    private long _stepsSinceMeasured;
    private double _recallShareSum, _diffusionShareSum;
    private int _measuredSteps;

    public JointObjective(RmmNetwork recall, AudioVisualDiffusion? diffusion, EnhancementSettings? enhancement, AvstObjective answerer,
        AvstNetwork answererNetwork, JointLossSettings settings, int seed)
    {
        if ((diffusion is null) != (enhancement is null))
            throw new ArgumentException("A diffusion needs its enhancement settings, and only a diffusion has them.", nameof(enhancement));
        _networks = new JointNetworks(recall, diffusion?.Network, answererNetwork);
        _answerer = answerer;
        _diffusion = diffusion;
        _enhancement = enhancement;
        _settings = settings;
        _seed = seed;
        _enhancementNoise = new Generator((ulong)seed + 5);
        _diffusionNoise = new Generator((ulong)seed + 3);
    }

    public nn.Module Network => _networks;

    public IReadOnlyList<Generator> Generators => [_enhancementNoise, _diffusionNoise, .. _answerer.Generators];

    public string MetricName => EpochReport.AccuracyMetric;

    // The answerer first: its rate is the one the loop reports.
    public IReadOnlyList<(IEnumerable<Parameter> Parameters, double LearningRateFactor)>? ParameterGroups =>
        new[]
        {
            (_networks.Answerer.parameters(), 1.0),
            (_networks.Recall.parameters(), _settings.RecallLearningRateFactor),
            (_networks.Diffusion?.parameters(), _settings.DiffusionLearningRateFactor),
        }.Where(g => g.Item1 is not null).Select(g => (g.Item1!, g.Item2)).ToArray();

    public BatchResult TrainStep(TrainingBatch batch, Device device)
    {
        var (audio, visual) = BatchTensors.Pair(batch, _networks.Recall.Config.Shape, device);
        var (recalledAudio, recalledVisual) = _networks.Recall.RecallBoth(audio, visual, BatchTensors.Question(batch, device));
        var complete = BatchTensors.Where(batch, i => !batch.AudioMissing[i] && !batch.VisualMissing[i]);

        // A stopped gradient: Eq. 8 sees the recalled features as constants; RMMR still trains the generator.
        var (answeredAudio, answeredVisual) = _settings.AnswerLossReachesRecall ? (recalledAudio, recalledVisual) : (recalledAudio.detach(), recalledVisual.detach());
        SubstitutePairs pairs;
        // With the answer loss reaching neither network, the enhancement needs no graph.
        using (_settings.AnswerLossReachesRecall || _settings.AnswerLossReachesDiffusion ? null : no_grad())
            pairs = Pairs(audio, visual, answeredAudio, answeredVisual, _enhancementNoise);
        var answer = _answerer.TrainStep(batch, device, pairs);

        Tensor? auxiliary = null;
        if (complete.Length > 0)
        {
            var index = tensor(complete, device: device);
            var (completeAudio, completeVisual) = (audio.index_select(0, index), visual.index_select(0, index));
            if (_settings.RecallLossWeight > 0)
                auxiliary = RmmNetwork.ReconstructionLoss(recalledAudio.index_select(0, index), recalledVisual.index_select(0, index), completeAudio, completeVisual)
                    .Times(_settings.RecallLossWeight);
            if (_diffusion is not null && _settings.DiffusionLossWeight > 0)
            {
                var ave = _diffusion.Loss(completeAudio, completeVisual, _diffusionNoise).Loss.Times(_settings.DiffusionLossWeight);
                auxiliary = auxiliary is null ? ave : auxiliary.Plus(ave);
            }
        }
        var total = auxiliary is null ? answer.Loss! : answer.Loss!.Plus(auxiliary);
        // The first step of every epoch and one in GradientShareEvery after it.
        bool measure = _settings.AnswerLossReachesRecall && _stepsSinceMeasured++ % GradientShareEvery == 0;
        Action? backward = measure ? () => MeasuredBackward(answer.Loss!, auxiliary)
            : StoppedAtDiffusion ? () => BackwardStoppedAtDiffusion(answer.Loss!, auxiliary) : null;
        return new BatchResult(total, answer.MetricSum, answer.Rows) { Backward = backward };
    }

    /// <summary>
    /// The share of the generator's and of the diffusion's gradient that the answer loss gave, as
    /// ‖g_avqa‖ / (‖g_avqa‖ + ‖g_own‖) over each network's parameters, averaged over the steps measured (the first of each
    /// epoch and one in <see cref="GradientShareEvery"/> after it) since the last read; null when none was measured (the answer loss stopped
    /// before the generator, or no step yet). Tells how much the joint training differs from the staged one.
    /// </summary>
    public (double Recall, double? Diffusion)? TakeAnswerGradientShare()
    {
        if (_measuredSteps == 0)
            return null;
        var share = (_recallShareSum / _measuredSteps, _networks.Diffusion is null ? (double?)null : _diffusionShareSum / _measuredSteps);
        (_recallShareSum, _diffusionShareSum, _measuredSteps) = (0, 0, 0);
        return share;
    }

    public string? EpochNote()
    {
        _stepsSinceMeasured = 0;
        return TakeAnswerGradientShare() is not { } share ? null
            : FormattableString.Invariant($"answer-loss share of the gradient: RMM {100 * share.Recall:F1}%") +
              (share.Diffusion is double d ? FormattableString.Invariant($", AVR {100 * d:F1}%") : "");
    }

    /// <summary>One training step in this many measures the answer loss's share of the gradients.</summary>
    public const int GradientShareEvery = 8;

    public (double MetricSum, int Rows) Evaluate(TrainingBatch batch, Device device)
    {
        var (audio, visual) = BatchTensors.Pair(batch, _networks.Recall.Config.Shape, device);
        var (recalledAudio, recalledVisual) = _networks.Recall.RecallBoth(audio, visual, BatchTensors.Question(batch, device));
        // The same noise for the same validation batch every epoch: epochs are compared on equal terms.
        using var noise = new Generator(unchecked((ulong)_seed * 1_000_003UL + (ulong)batch.VideoKeys[0] * 31UL + (ulong)batch.Count));
        return _answerer.Evaluate(batch, device, Pairs(audio, visual, recalledAudio, recalledVisual, noise));
    }

    public void Dispose()
    {
        _enhancementNoise.Dispose();
        _diffusionNoise.Dispose();
    }

    // The answer loss passes through the diffusion to the generator but must not train the diffusion.
    private bool StoppedAtDiffusion => _diffusion is not null && _settings.AnswerLossReachesRecall && !_settings.AnswerLossReachesDiffusion;

    private void BackwardStoppedAtDiffusion(Tensor answerLoss, Tensor? auxiliary)
    {
        answerLoss.backward(retain_graph: auxiliary is not null);
        using (no_grad())
        {
            foreach (var parameter in _networks.Diffusion!.parameters())
                parameter.grad?.zero_();
        }
        auxiliary?.backward();
    }

    // The two backward passes kept apart: the answer loss's gradients are copied before the own losses add theirs.
    private void MeasuredBackward(Tensor answerLoss, Tensor? auxiliary)
    {
        answerLoss.backward(retain_graph: auxiliary is not null);
        using var _ = no_grad();
        var recall = _networks.Recall.parameters().ToArray();
        var diffusion = _networks.Diffusion?.parameters().ToArray() ?? [];
        if (StoppedAtDiffusion)
            foreach (var parameter in diffusion)
                parameter.grad?.zero_();
        var fromAnswer = recall.Concat(diffusion).Select(p => p.grad?.clone()).ToArray();
        auxiliary?.backward();
        _recallShareSum += Share(recall, fromAnswer.AsSpan(0, recall.Length));
        if (_networks.Diffusion is not null)
            _diffusionShareSum += Share(diffusion, fromAnswer.AsSpan(recall.Length));
        _measuredSteps++;
    }

    private static double Share(Parameter[] parameters, ReadOnlySpan<Tensor?> fromAnswer)
    {
        double answer = 0, own = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].grad is not { } total)
                continue;
            var part = fromAnswer[i];
            answer += part is null ? 0 : part.Squared().sum().item<float>();
            own += (part is null ? total : total - part).Squared().sum().item<float>();
        }
        double a = Math.Sqrt(answer), o = Math.Sqrt(own);
        return a + o == 0 ? 0 : a / (a + o);
    }

    // Eq. 8's substitutes: the recalled modality with the real other one, enhanced by the diffusion when there is one.
    private SubstitutePairs Pairs(Tensor audio, Tensor visual, Tensor recalledAudio, Tensor recalledVisual, Generator noise)
    {
        var config = _networks.Answerer.Config;
        Tensor Maps(Tensor v) => v.reshape(v.shape[0], config.Segments, config.VisualChannels, config.VisualPositions);
        if (_diffusion is null)
            return new SubstitutePairs((recalledAudio, null), (null, Maps(recalledVisual)));
        var (enhancedRecalledAudio, enhancedVisual) = _diffusion.Enhance(recalledAudio, visual, _enhancement!, RealPart.Visual, noise);
        var (enhancedAudio, enhancedRecalledVisual) = _diffusion.Enhance(audio, recalledVisual, _enhancement!, RealPart.Audio, noise);
        return new SubstitutePairs((enhancedRecalledAudio, Maps(enhancedVisual)), (enhancedAudio, Maps(enhancedRecalledVisual)));
    }
}
