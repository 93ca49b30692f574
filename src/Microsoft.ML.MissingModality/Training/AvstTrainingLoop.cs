using System.Diagnostics;
using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// Trains an <see cref="AvstNetwork"/> with AVST's recipe: Adam, step decay of the learning rate, answer
/// cross-entropy plus the weighted audio-visual matching loss; keeps the weights of the best validation epoch and
/// stops early when asked. One dispose scope per step; evaluation under no_grad in eval mode.
/// </summary>
internal static class AvstTrainingLoop
{
    public static void Train(AvstNetwork network, TrainingSchedule schedule, IBatchSource train, IBatchSource? validation,
        Device device, Action<EpochReport>? progress, Action<TrainingStep>? stepProgress = null, int? stepsPerEpoch = null,
        CancellationToken cancellation = default)
    {
        // Dropout draws from libtorch's global generator (TorchSharp's dropout takes none): seed it for repeatability.
        random.manual_seed(schedule.Seed);
        using var negativesGenerator = new Generator((ulong)schedule.Seed + 1);
        network.to(device);
        using var optimizer = optim.Adam(network.parameters(), schedule.LearningRate);
        var scheduler = optim.lr_scheduler.StepLR(optimizer, schedule.LearningRateStepEpochs, schedule.LearningRateDecay);

        double bestAccuracy = double.NegativeInfinity;
        Dictionary<string, Tensor>? bestState = null;
        int epochsWithoutImprovement = 0;
        try
        {
            for (int epoch = 1; epoch <= schedule.Epochs; epoch++)
            {
                cancellation.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                double learningRate = optimizer.ParamGroups.First().LearningRate;
                int currentEpoch = epoch;
                Action<int, double>? onStep = stepProgress is null ? null
                    : (step, stepLoss) => stepProgress(new TrainingStep(currentEpoch, schedule.Epochs, step, stepsPerEpoch, stepLoss));
                var (loss, trainAccuracy) = RunEpoch(network, optimizer, train, epoch, device, negativesGenerator, onStep, cancellation);
                scheduler.step();

                double? validationAccuracy = validation is null ? null : Accuracy(network, validation, device);
                double score = validationAccuracy ?? trainAccuracy;
                bool isBest = validation is null || score > bestAccuracy;
                if (isBest)
                {
                    bestAccuracy = score;
                    epochsWithoutImprovement = 0;
                    if (validation is not null)
                        bestState = Snapshot(network, bestState);
                }
                else
                {
                    epochsWithoutImprovement++;
                }
                progress?.Invoke(new EpochReport(epoch, schedule.Epochs, loss, trainAccuracy, validationAccuracy, learningRate, clock.Elapsed, isBest));
                if (schedule.EarlyStoppingPatience is int patience && epochsWithoutImprovement >= patience)
                    break;
            }
            if (bestState is not null)
                network.load_state_dict(bestState);
        }
        finally
        {
            if (bestState is not null)
                foreach (var t in bestState.Values) t.Dispose();
        }
        network.eval();
    }

    /// <summary>Accuracy of the network over a source (rows with an unknown answer count as wrong).</summary>
    public static double Accuracy(AvstNetwork network, IBatchSource source, Device device)
    {
        network.eval();
        long correct = 0, rows = 0;
        using var _ = no_grad();
        foreach (var batch in source.ReadEpoch(epoch: 0))
        {
            using var scope = NewDisposeScope();
            var output = network.forward(BatchTensors.Inputs(batch, network.Config, device));
            var predicted = output.Logits.argmax(1).cpu().data<long>().ToArray();
            for (int i = 0; i < batch.Count; i++)
                correct += predicted[i] == batch.Labels[i] ? 1 : 0;
            rows += batch.Count;
        }
        return rows == 0 ? double.NaN : (double)correct / rows;
    }

    private static (double Loss, double Accuracy) RunEpoch(AvstNetwork network, optim.Optimizer optimizer, IBatchSource train,
        int epoch, Device device, Generator negatives, Action<int, double>? onStep, CancellationToken cancellation)
    {
        network.train();
        double lossSum = 0;
        long correct = 0, rows = 0;
        int step = 0;
        foreach (var batch in train.ReadEpoch(epoch))
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var output = network.forward(BatchTensors.Inputs(batch, network.Config, device));
            var labels = BatchTensors.Labels(batch, device);
            var pairs = AvstNetwork.DrawNegatives(new ArraySegment<long>(batch.VideoKeys, 0, batch.Count), negatives).to(device);
            var loss = network.Loss(output, labels, pairs);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();

            float stepLoss = loss.item<float>();
            lossSum += stepLoss * batch.Count;
            correct += output.Logits.argmax(1).eq(labels).sum().item<long>();
            rows += batch.Count;
            onStep?.Invoke(++step, stepLoss);
        }
        if (rows == 0)
            throw new InvalidDataException("The training data has no rows with a known answer.");
        return (lossSum / rows, (double)correct / rows);
    }

    private static Dictionary<string, Tensor> Snapshot(nn.Module module, Dictionary<string, Tensor>? previous)
    {
        if (previous is not null)
            foreach (var t in previous.Values) t.Dispose();
        using var _ = no_grad();
        return module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }
}
