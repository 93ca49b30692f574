namespace Microsoft.ML.MissingModality.Scenarios;

/// <summary>How an affected modality is corrupted.</summary>
public enum CorruptionProtocol
{
    /// <summary>
    /// The paper's setting: the modality is absent. Its features become zeros and its missing-flag column is set,
    /// so models can tell (the AVST baseline simply sees zeros; the RMM generator recalls it).
    /// </summary>
    Remove,

    /// <summary>
    /// The public code's test protocol: Gaussian noise is added to the modality's features (standard deviations
    /// <see cref="MissingModalityScenario.AudioNoiseStdDev"/> and <see cref="MissingModalityScenario.VisualNoiseStdDev"/>),
    /// and the missing flag is left as it was — the model is not told.
    /// </summary>
    GaussianNoise,
}
