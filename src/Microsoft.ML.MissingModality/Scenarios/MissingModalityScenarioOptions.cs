namespace Microsoft.ML.MissingModality.Scenarios;

/// <summary>Options of <see cref="MissingModalityScenarioEstimator"/>.</summary>
public sealed class MissingModalityScenarioOptions
{
    /// <summary>The condition to simulate.</summary>
    /// <value>Default: <see cref="MissingModalityScenario.None"/>.</value>
    public MissingModalityScenario Scenario { get; set; } = MissingModalityScenario.None;

    /// <summary>Seed of the per-row decisions and noise; with the row identity it fixes every outcome.</summary>
    /// <value>Default: 0.</value>
    public int Seed { get; set; }

    /// <summary>Audio features: a known-size vector of Single.</summary>
    /// <value>Default: <c>"Audio"</c>.</value>
    public string AudioColumnName { get; set; } = "Audio";

    /// <summary>Visual features: a known-size vector of Single.</summary>
    /// <value>Default: <c>"Visual"</c>.</value>
    public string VisualColumnName { get; set; } = "Visual";

    /// <summary>Boolean flag marking audio as missing; written (created when the input lacks it).</summary>
    /// <value>Default: <c>"AudioMissing"</c>.</value>
    public string AudioMissingColumnName { get; set; } = "AudioMissing";

    /// <summary>Boolean flag marking visual features as missing; written (created when the input lacks it).</summary>
    /// <value>Default: <c>"VisualMissing"</c>.</value>
    public string VisualMissingColumnName { get; set; } = "VisualMissing";

    /// <summary>
    /// A text column identifying each row (so decisions do not depend on row order). When the input lacks it, the
    /// row's position is used instead, and decisions then follow the order rows arrive in.
    /// </summary>
    /// <value>Default: <c>"QuestionId"</c>.</value>
    public string RowIdColumnName { get; set; } = "QuestionId";

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Scenario, nameof(Scenario));
        foreach (var (name, value) in new[]
        {
            (nameof(AudioColumnName), AudioColumnName), (nameof(VisualColumnName), VisualColumnName),
            (nameof(AudioMissingColumnName), AudioMissingColumnName), (nameof(VisualMissingColumnName), VisualMissingColumnName),
            (nameof(RowIdColumnName), RowIdColumnName),
        })
            ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
    }
}
