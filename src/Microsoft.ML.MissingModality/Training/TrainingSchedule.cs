namespace Microsoft.ML.MissingModality.Training;

/// <summary>How long and how fast to train; plain numbers mapped from the ML.NET options.</summary>
internal sealed record TrainingSchedule
{
    public int Epochs { get; init; } = 30;

    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Multiply the learning rate by <see cref="LearningRateDecay"/> every this many epochs.</summary>
    public int LearningRateStepEpochs { get; init; } = 8;

    public double LearningRateDecay { get; init; } = 0.1;

    /// <summary>Stop after this many epochs without a better validation accuracy; null never stops early.</summary>
    public int? EarlyStoppingPatience { get; init; }

    public int Seed { get; init; }
}
