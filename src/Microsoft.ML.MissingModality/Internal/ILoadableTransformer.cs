using Microsoft.ML.Runtime;

namespace Microsoft.ML.MissingModality.Internal;

/// <summary>What a transformer provides so that <see cref="TransformerLoader{T}"/> can load it from a model zip.</summary>
internal interface ILoadableTransformer<TSelf> where TSelf : RowMappingTransformerBase, ILoadableTransformer<TSelf>
{
    /// <summary>The format the zip entry must carry.</summary>
    static abstract TransformerVersion FormatVersion { get; }

    /// <summary>Reads what <c>SaveCore</c> wrote.</summary>
    static abstract TSelf Load(IHostEnvironment environment, ModelReader reader);
}
