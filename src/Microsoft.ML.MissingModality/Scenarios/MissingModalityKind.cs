namespace Microsoft.ML.MissingModality.Scenarios;

/// <summary>Which modality a missing-modality scenario takes away.</summary>
public enum MissingModalityKind
{
    /// <summary>Complete inputs: nothing is taken away.</summary>
    None,

    /// <summary>The audio stream is lost (the paper's "audio missing", V+Q).</summary>
    Audio,

    /// <summary>The visual stream is lost (the paper's "visual missing", A+Q).</summary>
    Visual,

    /// <summary>Each affected row loses one of the two, chosen at random with equal odds.</summary>
    Either,
}
