namespace Microsoft.ML.MissingModality.Tests.Support;

/// <summary>Base of test classes whose every test writes files: a fresh folder per test, deleted after it.</summary>
public abstract class TempDirectoryTest
{
    /// <summary>The current test's own empty folder.</summary>
    protected string Root { get; private set; } = "";

    [TestInitialize]
    public void CreateRoot() => Root = TestPaths.NewTempDirectory();

    [TestCleanup]
    public void DeleteRoot() => Directory.Delete(Root, recursive: true);
}
