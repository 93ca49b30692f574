using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Columns;
using Microsoft.ML.MissingModality.Internal;

namespace Microsoft.ML.MissingModality.Scenarios;

/// <summary>
/// Simulates a missing-modality condition on feature data (nothing is learned: <c>Fit</c> only checks the schema).
/// Under <see cref="CorruptionProtocol.Remove"/>, affected rows get zero features and their missing flag set;
/// under <see cref="CorruptionProtocol.GaussianNoise"/>, noise is added and flags are left alone.
/// </summary>
/// <remarks>
/// Outputs replace <c>Audio</c>, <c>Visual</c>, <c>AudioMissing</c> and <c>VisualMissing</c> (names configurable);
/// rows already flagged missing stay missing. Each row's fate depends only on the seed and the row id.
/// </remarks>
public sealed class MissingModalityScenarioEstimator : IEstimator<MissingModalityScenarioTransformer>
{
    private readonly MLContext _context;
    private readonly MissingModalityScenarioOptions _options;

    internal MissingModalityScenarioEstimator(MLContext context, MissingModalityScenarioOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _context = context;
        _options = options;
    }

    /// <summary>Checks the schema and returns the transformer.</summary>
    public MissingModalityScenarioTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transformer = new MissingModalityScenarioTransformer(_context, _options);
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }

    /// <summary>The input shape with the two feature columns and the two flags (added if absent).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.SingleVector(inputSchema, _options.AudioColumnName, "Audio");
        SchemaChecks.SingleVector(inputSchema, _options.VisualColumnName, "Visual");
        return SchemaShapeColumns.With(inputSchema,
            SchemaShapeColumns.Scalar(_options.AudioMissingColumnName, BooleanDataViewType.Instance),
            SchemaShapeColumns.Scalar(_options.VisualMissingColumnName, BooleanDataViewType.Instance));
    }
}
