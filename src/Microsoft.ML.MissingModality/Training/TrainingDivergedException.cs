namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// Training stopped because it diverged: a step's loss, or a weight at the end, is NaN or infinite. Nothing is fitted
/// (no model can be saved from it); lowering the learning rate is the usual cure.
/// </summary>
public sealed class TrainingDivergedException(string message) : InvalidOperationException(message);
