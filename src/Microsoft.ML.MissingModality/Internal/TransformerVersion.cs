using Microsoft.ML;

namespace Microsoft.ML.MissingModality.Internal;

/// <summary>
/// What a model zip records about one of our transformers: an 8-character signature and format versions. Mirrors
/// ML.NET's internal VersionInfo so that component code never touches it.
/// </summary>
/// <param name="ModelSignature">Exactly 8 ASCII characters identifying the component's format.</param>
/// <param name="VersionWritten">The format version this code writes.</param>
/// <param name="OldestReadable">The oldest format version this code can still read.</param>
/// <param name="LoaderSignature">The name the loader is registered under (see LoadableClasses.cs).</param>
internal sealed record TransformerVersion(string ModelSignature, uint VersionWritten, uint OldestReadable, string LoaderSignature)
{
    public VersionInfo ToVersionInfo() => new(
        ModelSignature, VersionWritten, verReadableCur: VersionWritten, verWeCanReadBack: OldestReadable,
        loaderSignature: LoaderSignature, loaderAssemblyName: typeof(TransformerVersion).Assembly.FullName);
}
