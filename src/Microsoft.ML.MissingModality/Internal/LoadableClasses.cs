using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Avr;
using Microsoft.ML.MissingModality.Baselines;
using Microsoft.ML.MissingModality.Internal;
using Microsoft.ML.MissingModality.Recall;
using Microsoft.ML.MissingModality.Scenarios;
using Microsoft.ML.Runtime;

// Every transformer of the library is registered here, twice: as a model (loaded by MLContext.Model.Load) and as a
// row mapper (loaded when a transformed data view is saved). The loader is found through the assembly name that
// the zip records, so no registration call is needed at run time — and the assembly must never be renamed.
[assembly: LoadableClass(typeof(LinearRecallTransformer), typeof(TransformerLoader<LinearRecallTransformer>), null,
    typeof(SignatureLoadModel), "Linear recall", LinearRecallTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(TransformerLoader<LinearRecallTransformer>), null,
    typeof(SignatureLoadRowMapper), "Linear recall", LinearRecallTransformer.LoaderSignature)]

[assembly: LoadableClass(typeof(MissingModalityScenarioTransformer), typeof(TransformerLoader<MissingModalityScenarioTransformer>), null,
    typeof(SignatureLoadModel), "Missing-modality scenario", MissingModalityScenarioTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(TransformerLoader<MissingModalityScenarioTransformer>), null,
    typeof(SignatureLoadRowMapper), "Missing-modality scenario", MissingModalityScenarioTransformer.LoaderSignature)]

[assembly: LoadableClass(typeof(AvrTransformer), typeof(TransformerLoader<AvrTransformer>), null,
    typeof(SignatureLoadModel), "AVR diffusion", AvrTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(TransformerLoader<AvrTransformer>), null,
    typeof(SignatureLoadRowMapper), "AVR diffusion", AvrTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(RecallTransformer), typeof(TransformerLoader<RecallTransformer>), null,
    typeof(SignatureLoadModel), "Missing-modality recaller", RecallTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(TransformerLoader<RecallTransformer>), null,
    typeof(SignatureLoadRowMapper), "Missing-modality recaller", RecallTransformer.LoaderSignature)]

[assembly: LoadableClass(typeof(AvqaTransformer), typeof(TransformerLoader<AvqaTransformer>), null,
    typeof(SignatureLoadModel), "AVQA answerer (AVST)", AvqaTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(TransformerLoader<AvqaTransformer>), null,
    typeof(SignatureLoadRowMapper), "AVQA answerer (AVST)", AvqaTransformer.LoaderSignature)]

namespace Microsoft.ML.MissingModality.Internal;

/// <summary>
/// The loader ML.NET's component catalog calls by reflection for transformer <typeparamref name="T"/>: checks the
/// zip entry's version, then hands a <see cref="ModelReader"/> to <typeparamref name="T"/>'s own <c>Load</c>.
/// </summary>
internal static class TransformerLoader<T> where T : RowMappingTransformerBase, ILoadableTransformer<T>
{
    public static T Create(IHostEnvironment env, ModelLoadContext ctx) =>
        T.Load(env, RowMappingTransformerBase.OpenForLoad(env, ctx, T.FormatVersion));

    public static IRowMapper Create(IHostEnvironment env, ModelLoadContext ctx, DataViewSchema inputSchema) =>
        Create(env, ctx).MakeRowMapper(inputSchema);
}
