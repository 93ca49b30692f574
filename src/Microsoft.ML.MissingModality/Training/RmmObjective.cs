using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// The RMM generator's objective: the RMMR loss (Eqs. 3-4) on rows with both modalities; the metric is the mean
/// cosine similarity of the recalled audio and of the recalled visual maps to the real ones (higher is better).
/// The batch source passes complete rows only. Rows go through the generator in <see cref="RowChunks"/>: the same loss
/// and gradient as the batch at once (the losses are means over rows of equal size), in a chunk's memory.
/// </summary>
/// <param name="network">The generator trained.</param>
/// <param name="chunkRows">Rows per pass; null: as many as <see cref="RowChunks.Rows"/> allows at these shapes.</param>
internal sealed class RmmObjective(RmmNetwork network, int? chunkRows = null) : ITrainingObjective
{
    public const string Metric = "recall cosine";

    private readonly int _chunkRows = chunkRows ?? RowChunks.Rows(int.MaxValue, network.Config.Shape.RowFloats);

    public nn.Module Network => network;

    public string MetricName => Metric;

    public BatchResult TrainStep(TrainingBatch batch, Device device)
    {
        var (loss, cosineSum) = Chunked(batch, device, backward: true);
        return new BatchResult(tensor(loss), cosineSum, batch.Count) { GradientsComputed = true };
    }

    public (double MetricSum, int Rows) Evaluate(TrainingBatch batch, Device device) => (Chunked(batch, device, backward: false).CosineSum, batch.Count);

    // The batch's loss (each chunk's mean weighted by its share of the rows) and its sum of per-row cosines.
    private (float Loss, double CosineSum) Chunked(TrainingBatch batch, Device device, bool backward)
    {
        var (audio, visual, question) = Inputs(batch, device);
        double loss = 0, cosineSum = 0;
        foreach (var (start, length) in RowChunks.Ranges(batch.Count, _chunkRows))
        {
            using var scope = NewDisposeScope();
            var (a, v, q) = (audio.narrow(0, start, length), visual.narrow(0, start, length), question.narrow(0, start, length));
            var (recalledAudio, recalledVisual) = network.RecallBoth(a, v, q);
            double share = (double)length / batch.Count;
            if (backward)
            {
                var chunkLoss = RmmNetwork.ReconstructionLoss(recalledAudio, recalledVisual, a, v);
                chunkLoss.Times(share).backward();
                loss += share * chunkLoss.item<float>();
            }
            cosineSum += CosineSum(recalledAudio.detach(), recalledVisual.detach(), a, v);
        }
        return ((float)loss, cosineSum);
    }

    private static double CosineSum(Tensor recalledAudio, Tensor recalledVisual, Tensor audio, Tensor visual) =>
        RecallMetrics.Cosine(recalledAudio, audio).Plus(RecallMetrics.Cosine(recalledVisual, visual)).DividedBy(2).sum().item<float>();

    public (Tensor Audio, Tensor Visual, Tensor Question) Inputs(TrainingBatch batch, Device device)
    {
        var (audio, visual) = BatchTensors.Pair(batch, network.Config.Shape, device);
        return (audio, visual, BatchTensors.Question(batch, device));
    }
}
