namespace Microsoft.ML.MissingModality.Training;

/// <summary>What one training epoch achieved; passed to the progress callback and written to the MLContext log.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's rows.</param>
/// <param name="TrainMetric">The component's metric on the training rows, measured on the fly (dropout on): answer accuracy in [0, 1] for the answerer, recall cosine similarity for a recaller, denoising R² for the AVR diffusion (see <see cref="MetricName"/>).</param>
/// <param name="ValidationMetric">The same metric on the validation set, or null without one.</param>
/// <param name="LearningRate">The learning rate used during the epoch.</param>
/// <param name="Elapsed">Wall time of the epoch, validation included.</param>
/// <param name="IsBest">Whether the validation set found this epoch the best so far (its weights are kept); false without a validation set.</param>
public sealed record EpochReport(
    int Epoch, int Epochs, double TrainLoss, double TrainMetric, double? ValidationMetric,
    double LearningRate, TimeSpan Elapsed, bool IsBest)
{
    /// <summary>What <see cref="TrainMetric"/> and <see cref="ValidationMetric"/> measure.</summary>
    /// <value><c>accuracy</c> (the answerer) or <c>recall cosine</c> (recallers).</value>
    public string MetricName { get; init; } = AccuracyMetric;

    internal const string AccuracyMetric = "accuracy";

    /// <summary>
    /// What the component adds about the epoch, or null. A joint training gives the answer loss's share of the
    /// generator's and the diffusion's gradients, e.g. <c>answer-loss share of the gradient: RMM 2.1%, AVR 0.4%</c>.
    /// </summary>
    public string? Note { get; init; }

    /// <summary>One line, e.g. <c>epoch 3/20: loss 1.234, train 45.6%, val 40.1% (best), lr 1e-4, 12.3 s</c>.</summary>
    public override string ToString() => FormattableString.Invariant(
        $"epoch {Epoch}/{Epochs}: loss {TrainLoss:F4}, train {Format(TrainMetric)}") +
        (ValidationMetric is double v ? ", val " + Format(v) : "") +
        (IsBest ? " (best)" : "") +
        FormattableString.Invariant($", lr {LearningRate:G3}, {Elapsed.TotalSeconds:F1} s") +
        (Note is null ? "" : "; " + Note);

    private string Format(double value) => MetricName == AccuracyMetric
        ? FormattableString.Invariant($"{100 * value:F1}%")
        : FormattableString.Invariant($"{MetricName} {value:F3}");
}
