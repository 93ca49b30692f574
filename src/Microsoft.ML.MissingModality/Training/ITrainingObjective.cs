using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// What <see cref="TrainingLoop"/> optimises: a network, the loss of a training batch, and a validation metric
/// (higher is better) that picks the best epoch. The loop owns the schedule, the optimiser, early stopping and the
/// best-state snapshot; the objective owns everything specific to a component (which features, which loss).
/// </summary>
internal interface ITrainingObjective
{
    /// <summary>The module whose parameters are trained.</summary>
    nn.Module Network { get; }

    /// <summary>Name of the metric in reports, e.g. <c>accuracy</c>.</summary>
    string MetricName { get; }

    /// <summary>
    /// Parameter groups with learning rates of their own, as multiples of the schedule's (a joint training gives each
    /// network its component's rate); null: one group, all of <see cref="Network"/>'s parameters.
    /// </summary>
    IReadOnlyList<(IEnumerable<TorchSharp.Modules.Parameter> Parameters, double LearningRateFactor)>? ParameterGroups => null;

    /// <summary>
    /// The loss of one training batch (called in train mode, inside the step's dispose scope), the sum of the batch's
    /// metric and the rows it counts. A null loss means the batch has nothing to learn from (no step is taken).
    /// </summary>
    BatchResult TrainStep(TrainingBatch batch, Device device);

    /// <summary>The random generators the objective draws from across steps (negatives, noise): a checkpoint saves their state.</summary>
    IReadOnlyList<Generator> Generators => [];

    /// <summary>A note on the epoch just trained for its report (<see cref="EpochReport.Note"/>), or null.</summary>
    string? EpochNote() => null;

    /// <summary>The metric sum and rows of a validation batch (called in eval mode under no_grad).</summary>
    (double MetricSum, int Rows) Evaluate(TrainingBatch batch, Device device);
}

/// <summary>What one training batch gave: the loss to minimise (or null), the metric sum and the rows counted.</summary>
internal readonly record struct BatchResult(Tensor? Loss, double MetricSum, int Rows)
{
    /// <summary>
    /// Computes the gradients in place of <c>Loss.backward()</c>, for an objective whose terms must reach only some
    /// parameters (a stopped gradient that a detach cannot express); <see cref="Loss"/> is then only reported.
    /// </summary>
    public Action? Backward { get; init; }

    /// <summary>
    /// Whether the objective already computed the gradients (a batch taken in chunks back-propagates each chunk as it
    /// goes); <see cref="Loss"/> is then only reported.
    /// </summary>
    public bool GradientsComputed { get; init; }
}
