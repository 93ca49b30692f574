using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// The RMM generator's objective: the RMMR loss (Eqs. 3-4) on rows with both modalities; the metric is the mean
/// cosine similarity of the recalled audio and of the recalled visual maps to the real ones (higher is better).
/// The batch source passes complete rows only.
/// </summary>
internal sealed class RmmObjective(RmmNetwork network) : ITrainingObjective
{
    public const string Metric = "recall cosine";

    public nn.Module Network => network;

    public string MetricName => Metric;

    public BatchResult TrainStep(TrainingBatch batch, Device device)
    {
        var (audio, visual, question) = Inputs(batch, device);
        var (recalledAudio, recalledVisual) = network.RecallBoth(audio, visual, question);
        var loss = RmmNetwork.ReconstructionLoss(recalledAudio, recalledVisual, audio, visual);
        return new BatchResult(loss, CosineSum(recalledAudio.detach(), recalledVisual.detach(), audio, visual), batch.Count);
    }

    public (double MetricSum, int Rows) Evaluate(TrainingBatch batch, Device device)
    {
        var (audio, visual, question) = Inputs(batch, device);
        var (recalledAudio, recalledVisual) = network.RecallBoth(audio, visual, question);
        return (CosineSum(recalledAudio, recalledVisual, audio, visual), batch.Count);
    }

    private static double CosineSum(Tensor recalledAudio, Tensor recalledVisual, Tensor audio, Tensor visual) =>
        RecallMetrics.Cosine(recalledAudio, audio).Plus(RecallMetrics.Cosine(recalledVisual, visual)).DividedBy(2).sum().item<float>();

    public (Tensor Audio, Tensor Visual, Tensor Question) Inputs(TrainingBatch batch, Device device)
    {
        var (audio, visual) = BatchTensors.Pair(batch, network.Config.Shape, device);
        return (audio, visual, BatchTensors.Question(batch, device));
    }
}
