namespace Microsoft.ML.MissingModality.Recall;

/// <summary>How a <see cref="RecallTransformer"/> recalls a missing modality.</summary>
public enum RecallMethod
{
    /// <summary>Zeros (AVST's rule for an absent stream), as a recaller: the answerer still trains on Eq. 8's combinations.</summary>
    ZeroFill,

    /// <summary>The training mean of the missing modality.</summary>
    Mean,

    /// <summary>The other modality of the nearest complete training video in the available modality's space.</summary>
    NearestNeighbour,

    /// <summary>Ridge regression per segment: audio → visual map, pooled visual → audio.</summary>
    Linear,

    /// <summary>The paper's relation-aware missing-modal generator: slot memories addressed by the available modality and the question.</summary>
    Rmm,
}
