using System.Diagnostics;
using Microsoft.ML.MissingModality.Modeling;
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
        foreach (var batch in source.ReadEpoch(epoch: 0))
        {
            using var scope = NewDisposeScope();
            var (batchSum, batchRows) = objective.Evaluate(batch, device);
            sum += batchSum;
            rows += batchRows;
        }
        return rows == 0 ? double.NaN : sum / rows;
    }

    /// <summary>
    /// One pass of training steps over <paramref name="train"/>: the loss and the metric averaged over the rows learned
    /// from. A batch that arrives in chunks (<see cref="TrainingBatch.EndsStep"/> false until its last) is one step:
    /// each chunk's loss, weighted by its rows, is back-propagated as it comes, and the summed gradients are divided by
    /// the batch's rows before the optimiser steps — the gradient of the batch's mean loss, with a chunk's memory.
    /// </summary>
    internal static (double Loss, double Metric) RunEpoch(ITrainingObjective objective, optim.Optimizer optimizer, IBatchSource train,
        int epoch, Device device, Action<int, double>? onStep, CancellationToken cancellation)
    {
        objective.Network.train();
        double lossSum = 0, metricSum = 0;
        long rows = 0;
        int step = 0, chunks = 0;
        var pending = new PendingStep();
        foreach (var batch in train.ReadEpoch(epoch))
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            // Before the forward pass, so that an objective may back-propagate as it goes (a batch taken in chunks).
            if (chunks++ == 0)
                optimizer.zero_grad();
            bool whole = chunks == 1 && batch.EndsStep;
            var result = objective.TrainStep(batch, device);
            if (result.Loss is not null && result.Rows > 0)
            {
                // Checked before the step, so that a diverged step never writes NaN into the weights.
                float chunkLoss = result.Loss.item<float>();
                if (!float.IsFinite(chunkLoss))
                    throw new TrainingDivergedException($"Training diverged: the loss of epoch {epoch}, step {step + 1} is {chunkLoss}. Lower the learning rate.");
                Backward(result, whole);
                pending = pending.Add(chunkLoss, result.MetricSum, result.Rows);
            }
            if (!batch.EndsStep)
                continue;
            if (pending.Rows > 0)
                Step(whole);
            chunks = 0;
        }
        // A chunked batch whose last chunk was the pass's last row still ends its step.
        if (pending.Rows > 0)
        {
            using var scope = NewDisposeScope();
            Step(whole: false);
        }
        if (rows == 0)
            throw new InvalidDataException("The training data has no rows this component can learn from (rows with a known answer, or with both modalities).");
        return (lossSum / rows, metricSum / rows);

        void Step(bool whole)
        {
            if (!whole)
                ScaleGradients(objective.Network, 1.0 / pending.Rows);
            optimizer.step();
            double stepLoss = pending.LossSum / pending.Rows;
            lossSum += pending.LossSum;
            metricSum += pending.MetricSum;
            rows += pending.Rows;
            pending = new PendingStep();
            onStep?.Invoke(++step, stepLoss);
        }
    }

    // A whole batch back-propagates its own loss (or lets the objective do it); a chunk its loss times its rows, so
    // that the chunks' gradients add up to the batch's sum, divided by its rows at the step.
    private static void Backward(BatchResult result, bool whole)
    {
        if (!whole && (result.GradientsComputed || result.Backward is not null))
            throw new InvalidOperationException("An objective that back-propagates itself cannot take a batch in chunks.");
        if (result.GradientsComputed)
            Debug.Assert(result.Backward is null, "An objective that back-propagates itself has no backward to run.");
        else if (result.Backward is { } backward)
            backward();
        else if (whole)
            result.Loss!.backward();
        else
            result.Loss!.Times(result.Rows).backward();
    }

    private static void ScaleGradients(nn.Module network, double factor)
    {
        using var _ = no_grad();
        using Scalar scale = factor;
        foreach (var parameter in network.parameters())
            if (parameter.grad is { } gradient)
                gradient.mul_(scale);
    }

    // The loss (summed over rows), metric and rows of the chunks of a step taken so far.
    private readonly record struct PendingStep(double LossSum, double MetricSum, long Rows)
    {
        public PendingStep Add(float loss, double metricSum, int rows) => new(LossSum + (double)loss * rows, MetricSum + metricSum, Rows + rows);
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
