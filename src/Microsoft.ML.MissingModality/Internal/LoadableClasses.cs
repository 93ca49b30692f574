using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Baselines;
using Microsoft.ML.MissingModality.Internal;
using Microsoft.ML.Runtime;

// Every transformer of the library is registered here, twice: as a model (loaded by MLContext.Model.Load) and as a
// row mapper (loaded when a transformed data view is saved). The loader is found through the assembly name that
// the zip records, so no registration call is needed at run time — and the assembly must never be renamed.
[assembly: LoadableClass(typeof(LinearRecallTransformer), typeof(LinearRecallLoader), null, typeof(SignatureLoadModel),
    "Linear recall", LinearRecallTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(LinearRecallLoader), null, typeof(SignatureLoadRowMapper),
    "Linear recall", LinearRecallTransformer.LoaderSignature)]

namespace Microsoft.ML.MissingModality.Internal;

/// <summary>
/// Loaders that ML.NET's component catalog calls by reflection. Each reads the version, then hands a
/// <see cref="ModelReader"/> to the component's own <c>Load</c>.
/// </summary>
internal static class LinearRecallLoader
{
    public static LinearRecallTransformer Create(IHostEnvironment env, ModelLoadContext ctx) =>
        LinearRecallTransformer.Load(env, TorchTransformerBase.OpenForLoad(env, ctx, LinearRecallTransformer.FormatVersion));

    public static IRowMapper Create(IHostEnvironment env, ModelLoadContext ctx, DataViewSchema inputSchema) =>
        Create(env, ctx).MakeRowMapper(inputSchema);
}
