using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Columns;
using Microsoft.ML.MissingModality.Internal;

namespace Microsoft.ML.MissingModality.Recall;

/// <summary>The output contract every recaller's estimator shares: two vector columns of Single added to the input.</summary>
internal static class RecallOutput
{
    public static SchemaShape OutputSchema(SchemaShape input, string audio, string visual, string recalledAudio, string recalledVisual)
    {
        ArgumentNullException.ThrowIfNull(input);
        SchemaChecks.SingleVector(input, audio, "Audio");
        SchemaChecks.SingleVector(input, visual, "Visual");
        return SchemaShapeColumns.With(input,
            SchemaShapeColumns.Vector(recalledAudio, NumberDataViewType.Single),
            SchemaShapeColumns.Vector(recalledVisual, NumberDataViewType.Single));
    }

    public static RecallModelConfig BaseConfig(IDataView input, string audio, string visual, RecallMethod method) => new()
    {
        Method = method,
        AudioDimensions = [.. ((VectorDataViewType)input.Schema[audio].Type).Dimensions],
        VisualDimensions = [.. ((VectorDataViewType)input.Schema[visual].Type).Dimensions],
    };
}
