namespace Microsoft.ML.MissingModality.Tests.Samples;

/// <summary>
/// Each notebook in samples/notebooks/ is exactly what <see cref="NotebookTwin"/> makes of its file-based app in
/// samples/. After editing an app, regenerate with <c>UPDATE_NOTEBOOKS=1 dotnet test --filter NotebookTwinTests</c>.
/// (CI runs both twins: .ci/run-samples.)
/// </summary>
[TestClass]
public sealed class NotebookTwinTests
{
    private static readonly string Samples = Path.Combine(TestPaths.RepoRoot, "samples");

    public static IEnumerable<object[]> Apps() =>
        Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "samples"), "*.cs").Order().Select(f => new object[] { Path.GetFileNameWithoutExtension(f) });

    [TestMethod]
    [DynamicData(nameof(Apps))]
    public void Notebook_MatchesItsFileBasedApp(string name)
    {
        string expected = NotebookTwin.FromApp(File.ReadAllText(Path.Combine(Samples, name + ".cs")), "../../local-feed");
        string notebook = Path.Combine(Samples, "notebooks", name + ".ipynb");
        if (Environment.GetEnvironmentVariable("UPDATE_NOTEBOOKS") == "1")
            File.WriteAllText(notebook, expected);
        Assert.IsTrue(File.Exists(notebook), $"{notebook} is missing: run with UPDATE_NOTEBOOKS=1 to write it");
        Assert.AreEqual(expected, File.ReadAllText(notebook), $"{name}.ipynb is stale: run with UPDATE_NOTEBOOKS=1 to regenerate it");
    }

    [TestMethod]
    public void FromApp_CellMarkers_BecomeCellsAndDirectivesTheFirstCell()
    {
        string app = string.Join("\n",
            "#:package A.B@1.2.3", "#:property X=y", "// header comment", "// %% [markdown]", "// # Title", "//", "// text",
            "// %% notebook-only", "//> void Show(int x) => display(x);", "// %%", "var a = 1;", "Show(a);",
            "// %% app-only", "void Show(int x) => Console.WriteLine(x);");
        string notebook = NotebookTwin.FromApp(app, "feed");
        StringAssert.Contains(notebook, "var localFeed = Path.GetFullPath(\\\"feed\\\");");
        StringAssert.Contains(notebook, "#r \\\\\\\"nuget: A.B, 1.2.3\\\\\\\"");
        StringAssert.Contains(notebook, "\"# Title\\n\"");
        StringAssert.Contains(notebook, "\"void Show(int x) => display(x);\"");
        StringAssert.Contains(notebook, "\"Show(a);\"");
        Assert.DoesNotContain("Console.WriteLine", notebook);
        Assert.DoesNotContain("header comment", notebook);
        Assert.DoesNotContain("#:property", notebook);
    }
}
