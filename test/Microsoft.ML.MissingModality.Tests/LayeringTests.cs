namespace Microsoft.ML.MissingModality.Tests;

/// <summary>
/// Dependencies flow one way: the TorchSharp networks and training loop know nothing of ML.NET, and only Internal/
/// touches the ML.NET internals that the publicized references make visible to the compiler.
/// </summary>
[TestClass]
public sealed class LayeringTests
{
    private static readonly string Library = Path.Combine(TestPaths.RepoRoot, "src", "Microsoft.ML.MissingModality");

    private static readonly string[] MlNetMarkers =
        ["using Microsoft.ML;", "using Microsoft.ML.Data;", "using Microsoft.ML.Runtime;", "IDataView", "VBuffer", "DataViewSchema", "MLContext", "IHostEnvironment"];

    // Types and members ML.NET keeps internal; compiling against publicized copies would let them slip in anywhere.
    private static readonly string[] InternalMarkers =
        ["ModelSaveContext", "ModelLoadContext", "IHostEnvironmentInternal", "LoadableClass", "SignatureLoad", "IRowMapper",
         "RowToRowMapperTransform", "EmptyDataView", "VersionInfo", "IChannel", "HostExtensions", "new SchemaShape.Column("];

    [TestMethod]
    [DataRow("Modeling")]
    [DataRow("Training")]
    [DataRow("Diffusion")]
    public void TorchFolders_UseNoMlNetTypes(string folder)
    {
        var offenders = Offenders(Directory.GetFiles(Path.Combine(Library, folder), "*.cs", SearchOption.AllDirectories), MlNetMarkers);
        Assert.IsEmpty(offenders, string.Join("; ", offenders));
    }

    [TestMethod]
    public void MlNetInternals_AreUsedOnlyUnderInternal()
    {
        string internalFolder = Path.Combine(Library, "Internal") + Path.DirectorySeparatorChar;
        var files = Directory.GetFiles(Library, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(internalFolder, StringComparison.Ordinal) && !IsBuildOutput(f));
        var offenders = Offenders(files, InternalMarkers);
        Assert.IsEmpty(offenders, string.Join("; ", offenders));
    }

    private static string[] Offenders(IEnumerable<string> files, string[] markers) =>
        files.Where(f => !IsBuildOutput(f))
            .SelectMany(f => markers.Where(Code(f).Contains).Select(m => $"{Path.GetRelativePath(Library, f)}: {m}"))
            .ToArray();

    private static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    /// <summary>A file's code: no comment lines (doc comments name the types they explain) and no string literals (messages do).</summary>
    private static string Code(string path) => System.Text.RegularExpressions.Regex.Replace(
        string.Join("\n", File.ReadLines(path).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal))),
        "\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
}
