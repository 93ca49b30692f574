using System.Diagnostics;
using Microsoft.ML.MissingModality.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// Trains any <see cref="ITrainingObjective"/> with one recipe: Adam, step decay of the learning rate, the weights of
/// the best validation epoch kept, early stopping when asked. One dispose scope per step; evaluation under no_grad
/// in eval mode.
/// </summary>
internal static class TrainingLoop
{
    /// <summary>
    /// A step (or evaluated batch) over at least this many bytes of features is followed by <see cref="ProcessMemory.TrimNative"/>:
    /// at MUSIC-AVQA's shapes every step of the full method (hundreds of megabytes), at the demo's none.
    /// </summary>
    internal const long TrimAfterFeatureBytes = 64L << 20;

    public static void Train(ITrainingObjective objective, TrainingSchedule schedule, IBatchSource train, IBatchSource? validation,
        Device device, Action<EpochReport>? progress, Action<TrainingStep>? stepProgress = null, int? stepsPerEpoch = null,
        CancellationToken cancellation = default, TrainingCheckpoint? checkpoint = null)
    {
        var network = objective.Network;
        // Dropout draws from libtorch's global generator (TorchSharp's dropout takes none): seed it for repeatability.
        random.manual_seed(schedule.Seed);
        network.to(device);
        using var optimizer = CreateOptimizer(objective, schedule.LearningRate);
        var scheduler = optim.lr_scheduler.StepLR(optimizer, schedule.LearningRateStepEpochs, schedule.LearningRateDecay);

        double bestScore = double.NegativeInfinity;
        Dictionary<string, Tensor>? bestState = null;
        int epochsWithoutImprovement = 0, firstEpoch = 1;
        var reports = new List<EpochReport>();
        try
        {
            if (checkpoint?.TryRestore(network, optimizer, objective.Generators) is var (restored, best))
            {
                // Continue after the last complete epoch as if never interrupted: the schedule where it was, the
                // reports replayed so that callers (and their history files) see every epoch.
                (bestScore, epochsWithoutImprovement, firstEpoch, bestState) = (restored.BestScore, restored.EpochsWithoutImprovement, restored.Epoch + 1, best);
                for (int e = 0; e < restored.Epoch; e++)
                    scheduler.step();
                reports.AddRange(restored.Reports);
                foreach (var report in restored.Reports)
                    progress?.Invoke(report);
                if (schedule.EarlyStoppingPatience is int stopped && epochsWithoutImprovement >= stopped)
                    firstEpoch = schedule.Epochs + 1;
            }
            for (int epoch = firstEpoch; epoch <= schedule.Epochs; epoch++)
            {
                cancellation.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                double learningRate = optimizer.ParamGroups.First().LearningRate;
                int currentEpoch = epoch;
                Action<int, double>? onStep = stepProgress is null ? null
                    : (step, stepLoss) => stepProgress(new TrainingStep(currentEpoch, schedule.Epochs, step, stepsPerEpoch, stepLoss));
                var (loss, trainMetric) = RunEpoch(objective, optimizer, train, epoch, device, onStep, cancellation);
                string? note = objective.EpochNote();
                scheduler.step();

                double? validationMetric = validation is null ? null : Evaluate(objective, validation, device);
                double score = validationMetric ?? trainMetric;
                bool isBest = validation is not null && score > bestScore;
                if (isBest || validation is null)
                {
                    bestScore = score;
                    epochsWithoutImprovement = 0;
                    if (validation is not null)
                        bestState = Snapshot(network, bestState);
                }
                else
                {
                    epochsWithoutImprovement++;
                }
                var epochReport = new EpochReport(epoch, schedule.Epochs, loss, trainMetric, validationMetric, learningRate, clock.Elapsed, isBest)
                {
                    MetricName = objective.MetricName,
                    Note = note,
                };
                reports.Add(epochReport);
                checkpoint?.Save(new TrainingCheckpoint.LoopState(epoch, bestScore, epochsWithoutImprovement, reports), network, optimizer, objective.Generators, bestState);
                progress?.Invoke(epochReport);
                if (schedule.EarlyStoppingPatience is int patience && epochsWithoutImprovement >= patience)
                    break;
            }
            if (bestState is not null)
                network.load_state_dict(bestState);
            ThrowIfNotFinite(network);
        }
        finally
        {
            if (bestState is not null)
                foreach (var t in bestState.Values) t.Dispose();
        }
        network.eval();
    }

    /// <summary>The objective's metric over a source, averaged over the rows it counts (NaN when it counts none).</summary>
    public static double Evaluate(ITrainingObjective objective, IBatchSource source, Device device)
    {
        objective.Network.eval();
        double sum = 0;
        long rows = 0;
        using var _ = no_grad();
        bool trim = false;
        foreach (var batch in source.ReadEpoch(epoch: 0))
        {
            TrimIf(ref trim);
            using var scope = NewDisposeScope();
            var (batchSum, batchRows) = objective.Evaluate(batch, device);
            sum += batchSum;
            rows += batchRows;
            trim = batch.FeatureBytes >= TrimAfterFeatureBytes;
        }
        TrimIf(ref trim);
        return rows == 0 ? double.NaN : sum / rows;
    }

    private static void TrimIf(ref bool trim)
    {
        if (trim)
            ProcessMemory.TrimNative();
        trim = false;
    }

    /// <summary>
    /// One pass of training steps over <paramref name="train"/>: the loss and the metric averaged over the rows learned
    /// from. A batch that arrives in chunks (<see cref="TrainingBatch.EndsStep"/> false until its last) is one step with
    /// the batch's mean gradient and a chunk's memory: each chunk back-propagates its own mean loss as a whole batch
    /// would (or its objective does, chunk by chunk), and the gradients summed so far are rescaled before each chunk
    /// and at the end so that every row weighs the same.
    /// </summary>
    internal static (double Loss, double Metric) RunEpoch(ITrainingObjective objective, optim.Optimizer optimizer, IBatchSource train,
        int epoch, Device device, Action<int, double>? onStep, CancellationToken cancellation)
    {
        objective.Network.train();
        double lossSum = 0, metricSum = 0;
        long rows = 0;
        int step = 0;
        var pending = new PendingStep();
        bool trim = false; // after the step's dispose scope has freed its tensors
        foreach (var batch in train.ReadEpoch(epoch))
        {
            cancellation.ThrowIfCancellationRequested();
            TrimIf(ref trim);
            using var scope = NewDisposeScope();
            // Before the forward pass, so that an objective may back-propagate as it goes (a batch taken in chunks).
            if (pending.Chunks == 0)
                optimizer.zero_grad();
            else
                ScaleGradients(optimizer, (double)pending.LastChunkRows / batch.Count);
            var result = objective.TrainStep(batch, device);
            float? chunkLoss = null;
            if (result.Loss is not null && result.Rows > 0)
            {
                // Checked before the step, so that a diverged step never writes NaN into the weights.
                chunkLoss = result.Loss.item<float>();
                if (!float.IsFinite(chunkLoss.Value))
                    throw new TrainingDivergedException($"Training diverged: the loss of epoch {epoch}, step {step + 1} is {chunkLoss}. Lower the learning rate.");
                Backward(result);
            }
            pending = pending.Add(batch.Count, batch.FeatureBytes, chunkLoss, result);
            if (batch.EndsStep)
                Step();
        }
        // A chunked batch whose last chunk was the pass's last row still ends its step.
        if (pending.Chunks > 0)
        {
            using var scope = NewDisposeScope();
            Step();
        }
        TrimIf(ref trim);
        if (rows == 0)
            throw new InvalidDataException("The training data has no rows this component can learn from (rows with a known answer, or with both modalities).");
        return (lossSum / rows, metricSum / rows);

        void Step()
        {
            var taken = pending;
            pending = new PendingStep();
            if (taken.LearnedRows == 0)
                return;
            // Gradients now hold Σ rows·gradient over the chunks, divided by the last chunk's rows: make it the batch's mean.
            if (taken.Chunks > 1)
                ScaleGradients(optimizer, (double)taken.LastChunkRows / taken.BatchRows);
            optimizer.step();
            trim = taken.FeatureBytes >= TrimAfterFeatureBytes;
            lossSum += taken.LossSum;
            metricSum += taken.MetricSum;
            rows += taken.LearnedRows;
            onStep?.Invoke(++step, taken.LossSum / taken.LearnedRows);
        }
    }

    private static void Backward(BatchResult result)
    {
        if (result.GradientsComputed)
            Debug.Assert(result.Backward is null, "An objective that back-propagates itself has no backward to run.");
        else if (result.Backward is { } backward)
            backward();
        else
            result.Loss!.backward();
    }

    // Over the parameters the optimiser steps: those are the gradients the step reads.
    private static void ScaleGradients(optim.Optimizer optimizer, double factor)
    {
        if (factor == 1)
            return;
        using var _ = no_grad();
        using Scalar scale = factor;
        foreach (var parameter in optimizer.parameters())
            if (parameter.grad is { } gradient)
                gradient.mul_(scale);
    }

    // The chunks of the step being taken: how many, the rows of the last one and of all, and the loss (summed over the
    // rows learned from), metric and rows learned from.
    private readonly record struct PendingStep(int Chunks, int LastChunkRows, long BatchRows, long FeatureBytes, double LossSum, double MetricSum, long LearnedRows)
    {
        public PendingStep Add(int batchRows, long featureBytes, float? loss, BatchResult result) => loss is float learned
            ? new(Chunks + 1, batchRows, BatchRows + batchRows, FeatureBytes + featureBytes, LossSum + (double)learned * result.Rows, MetricSum + result.MetricSum, LearnedRows + result.Rows)
            : this with { Chunks = Chunks + 1, LastChunkRows = batchRows, BatchRows = BatchRows + batchRows, FeatureBytes = FeatureBytes + featureBytes };
    }

    /// <summary>A step can turn weights non-finite (an infinite gradient) with a finite loss: never hand such weights on.</summary>
    private static void ThrowIfNotFinite(nn.Module network)
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in network.named_parameters())
        {
            using var finite = parameter.isfinite().all();
            if (!finite.item<bool>())
                throw new TrainingDivergedException($"Training diverged: weight '{name}' holds NaN or infinite values. Lower the learning rate.");
        }
    }

    internal static HeldScalarAdam CreateOptimizer(ITrainingObjective objective, double learningRate)
    {
        var groups = objective.ParameterGroups ?? [(objective.Network.parameters(), 1.0)];
        return new HeldScalarAdam(groups.Select(g => new TorchSharp.Modules.Adam.ParamGroup(g.Parameters, lr: learningRate * g.LearningRateFactor)), learningRate);
    }

    private static Dictionary<string, Tensor> Snapshot(nn.Module module, Dictionary<string, Tensor>? previous)
    {
        if (previous is not null)
            foreach (var t in previous.Values) t.Dispose();
        using var _ = no_grad();
        return module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }
}
