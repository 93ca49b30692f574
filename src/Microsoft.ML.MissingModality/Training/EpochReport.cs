namespace Microsoft.ML.MissingModality.Training;

/// <summary>What one training epoch achieved; passed to the progress callback and written to the MLContext log.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's rows.</param>
/// <param name="TrainAccuracy">Training accuracy in [0, 1], measured on the fly (dropout on).</param>
/// <param name="ValidationAccuracy">Validation accuracy in [0, 1], or null without a validation set.</param>
/// <param name="LearningRate">The learning rate used during the epoch.</param>
/// <param name="Elapsed">Wall time of the epoch, validation included.</param>
/// <param name="IsBest">Whether this epoch's weights are the best so far (and would be kept).</param>
public sealed record EpochReport(
    int Epoch, int Epochs, double TrainLoss, double TrainAccuracy, double? ValidationAccuracy,
    double LearningRate, TimeSpan Elapsed, bool IsBest)
{
    /// <summary>One line, e.g. <c>epoch 3/20: loss 1.234, train 45.6%, val 40.1% (best), lr 1e-4, 12.3 s</c>.</summary>
    public override string ToString() => FormattableString.Invariant(
        $"epoch {Epoch}/{Epochs}: loss {TrainLoss:F4}, train {100 * TrainAccuracy:F1}%") +
        (ValidationAccuracy is double v ? FormattableString.Invariant($", val {100 * v:F1}%") : "") +
        (IsBest ? " (best)" : "") +
        FormattableString.Invariant($", lr {LearningRate:G3}, {Elapsed.TotalSeconds:F1} s");
}
