namespace Microsoft.ML.MissingModality.Training;

/// <summary>Progress inside an epoch: reported after every optimisation step.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="Step">1-based step within the epoch.</param>
/// <param name="StepsPerEpoch">Steps in a full epoch, when the row count is known in advance.</param>
/// <param name="Loss">This step's training loss.</param>
public sealed record TrainingStep(int Epoch, int Epochs, int Step, int? StepsPerEpoch, double Loss);
