namespace Microsoft.ML.MissingModality.Tests.Data;

/// <summary>The Parquet, .npy and manifest code knows nothing of ML.NET; only Data/DataView/ adapts it to IDataView.</summary>
[TestClass]
public sealed class DataLayeringTests
{
    private static readonly string[] MlNetMarkers =
        ["using Microsoft.ML;", "using Microsoft.ML.Data;", "IDataView", "VBuffer", "DataViewSchema", "DataViewType", "MLContext"];

    [TestMethod]
    public void DataFolder_OutsideDataView_UsesNoMlNetTypes()
    {
        string data = Path.Combine(TestPaths.RepoRoot, "src", "Microsoft.ML.MissingModality", "Data");
        string dataView = Path.Combine(data, "DataView") + Path.DirectorySeparatorChar;
        var offenders = Directory.GetFiles(data, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(dataView, StringComparison.Ordinal))
            .SelectMany(f => MlNetMarkers.Where(Code(f).Contains).Select(m => $"{Path.GetFileName(f)}: {m}"))
            .ToArray();

        Assert.IsEmpty(offenders, string.Join("; ", offenders));
    }

    /// <summary>A file's text without comment lines (doc comments may mention IDataView).</summary>
    private static string Code(string path) =>
        string.Join("\n", File.ReadLines(path).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));

    [TestMethod]
    public void DataView_UsesNoMlNetInternals()
    {
        string dataView = Path.Combine(TestPaths.RepoRoot, "src", "Microsoft.ML.MissingModality", "Data", "DataView");
        var offenders = Directory.GetFiles(dataView, "*.cs")
            .Where(f => File.ReadAllText(f).Contains("Microsoft.ML.Runtime", StringComparison.Ordinal) || File.ReadAllText(f).Contains("Microsoft.ML.Internal", StringComparison.Ordinal))
            .ToArray();

        Assert.IsEmpty(offenders);
    }
}
