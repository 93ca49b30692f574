using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// The RMM generator's objective: the RMMR loss (Eqs. 3-4) on rows with both modalities; the metric is the mean
/// cosine similarity of the recalled audio and of the recalled visual maps to the real ones (higher is better).
/// The batch source passes complete rows only. The loss and the cosines come from
/// <see cref="RmmNetwork.ReconstructionLossAndCosine"/>, which never recalls a map: the whole batch goes through at once
/// in little more than its own features' memory.
/// </summary>
/// <param name="network">The generator trained.</param>
internal sealed class RmmObjective(RmmNetwork network) : ITrainingObjective
{
    public const string Metric = "recall cosine";

    public nn.Module Network => network;

    public string MetricName => Metric;

    public BatchResult TrainStep(TrainingBatch batch, Device device)
    {
        var (audio, visual, question) = Inputs(batch, device);
        var (loss, cosine) = network.ReconstructionLossAndCosine(audio, visual, question);
        return new BatchResult(loss, cosine.sum().item<float>(), batch.Count);
    }

    public (double MetricSum, int Rows) Evaluate(TrainingBatch batch, Device device)
    {
        using var _ = no_grad();
        var (audio, visual, question) = Inputs(batch, device);
        return (network.ReconstructionLossAndCosine(audio, visual, question).Cosine.sum().item<float>(), batch.Count);
    }

    public (Tensor Audio, Tensor Visual, Tensor Question) Inputs(TrainingBatch batch, Device device)
    {
        var (audio, visual) = BatchTensors.Pair(batch, network.Config.Shape, device);
        return (audio, visual, BatchTensors.Question(batch, device));
    }
}
