namespace Microsoft.ML.MissingModality.Baselines;

/// <summary>Options of <see cref="LinearRecallEstimator"/>.</summary>
public sealed class LinearRecallOptions
{
    /// <summary>Name of the output column holding the recalled features.</summary>
    /// <value>Default: <c>"RecalledFeatures"</c>.</value>
    public string OutputColumnName { get; set; } = "RecalledFeatures";

    /// <summary>Name of the available modality's features: a known-size vector of Single.</summary>
    /// <value>Default: <c>"Visual"</c>.</value>
    public string InputColumnName { get; set; } = "Visual";

    /// <summary>Name of the modality to learn to recall (used only by <c>Fit</c>): a known-size vector of Single.</summary>
    /// <value>Default: <c>"Audio"</c>.</value>
    public string TargetColumnName { get; set; } = "Audio";

    /// <summary>Ridge penalty per training row; larger values shrink the map towards predicting the mean.</summary>
    /// <value>Default: <c>1e-3</c>. Must be positive (it also keeps the solve well posed).</value>
    public double L2Regularization { get; set; } = 1e-3;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(OutputColumnName, nameof(OutputColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(InputColumnName, nameof(InputColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(TargetColumnName, nameof(TargetColumnName));
        if (!(L2Regularization > 0) || !double.IsFinite(L2Regularization))
            throw new ArgumentOutOfRangeException(nameof(L2Regularization), L2Regularization, "Must be a positive finite number.");
    }
}
