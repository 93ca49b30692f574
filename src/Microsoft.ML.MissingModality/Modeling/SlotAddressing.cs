namespace Microsoft.ML.MissingModality;

/// <summary>How the RMM generator scores a feature against its slots (Eq. 1) before the softmax over slots.</summary>
public enum SlotAddressing
{
    /// <summary>The paper's Eq. 1: the dot product scaled by √d, d the feature size (a whole map for the visual memory).</summary>
    ScaledDot,

    /// <summary>The public code's choice: cosine similarity, no scale (every score lies in [−1, 1]).</summary>
    Cosine,
}

/// <summary>How the RMM generator combines the addressing by the available modality and by the question (Eq. 2).</summary>
public enum SlotCombination
{
    /// <summary>
    /// The paper's Eq. 2 as printed (and its public code): softmax(a^m ∘ a^t). The product of two distributions lies in
    /// [0, 1], so the second softmax is close to uniform whatever the addressing says.
    /// </summary>
    SoftmaxOfProduct,

    /// <summary>The product renormalised, a^m ∘ a^t / Σ(a^m ∘ a^t): slots both addressings favour, as sharp as they are.</summary>
    NormalizedProduct,
}
