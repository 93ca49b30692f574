namespace Microsoft.ML.MissingModality.Tests;

/// <summary>Locations tests may read: the repository root and, when present beside it, the shared data folder.</summary>
internal static class TestPaths
{
    /// <summary>The repository root: the nearest folder above the test binaries that holds the solution file.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>
    /// The real MUSIC-AVQA validation questions (<c>../shared/data/music-avqa/avqa-val.json</c> beside the checkout),
    /// or null when this checkout has no such folder beside it: tests that need it call <see cref="RequireMusicAvqaVal"/>.
    /// </summary>
    public static string? MusicAvqaValJson
    {
        get
        {
            string path = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", "music-avqa", "avqa-val.json"));
            return File.Exists(path) ? path : null;
        }
    }

    /// <summary>The MUSIC-AVQA validation JSON, or an inconclusive (skipped) test when it is absent.</summary>
    public static string RequireMusicAvqaVal()
    {
        string? path = MusicAvqaValJson;
        if (path is null)
            Assert.Inconclusive("../shared/data/music-avqa/avqa-val.json is not beside this checkout; skipped.");
        return path!;
    }

    /// <summary>A new empty folder under the system temp folder; the caller deletes it.</summary>
    public static string NewTempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "mm-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Microsoft.ML.MissingModality.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Could not find Microsoft.ML.MissingModality.sln above " + AppContext.BaseDirectory);
    }
}
