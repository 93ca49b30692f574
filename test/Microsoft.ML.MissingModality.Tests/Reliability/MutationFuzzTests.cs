using System.Text;
using Microsoft.ML.MissingModality.Cli;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets.Synthetic;
using Microsoft.ML.MissingModality.Tests.Data;

namespace Microsoft.ML.MissingModality.Tests.Reliability;

/// <summary>
/// A seeded mutation fuzzer over everything the library reads from disk: the two Parquet tables and the manifest of a
/// dataset, <c>.npy</c> files, and model zips. Every mutant must read or fail with the library's located exception
/// (<see cref="AvqaDataException"/> for data; for a model zip, <see cref="AvqaModelException"/> or the zip and ML.NET
/// format errors) — never another exception type, a hang or a crash. The default run is short; the long one is
/// <c>MISSINGMODALITY_FUZZ_MUTANTS=2000 dotnet test -c Release --filter MutationFuzzTests</c> (docs/reliability.md).
/// </summary>
[TestClass]
public sealed class MutationFuzzTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);
    private static string _root = "", _dataset = "", _model = "", _modelData = "";

    public TestContext TestContext { get; set; } = null!;

    /// <summary>Mutants per file (environment MISSINGMODALITY_FUZZ_MUTANTS; default 40).</summary>
    private static int Mutants => int.TryParse(Environment.GetEnvironmentVariable("MISSINGMODALITY_FUZZ_MUTANTS"), out int n) && n > 0 ? n : 40;

    /// <summary>First seed (environment MISSINGMODALITY_FUZZ_SEED; default 1): mutant k of a file uses seed + k.</summary>
    private static int FirstSeed => int.TryParse(Environment.GetEnvironmentVariable("MISSINGMODALITY_FUZZ_SEED"), out int s) ? s : 1;

    [ClassInitialize]
    public static void CreateInputs(TestContext _)
    {
        _root = TestPaths.NewTempDirectory();
        _dataset = TestDatasets.Write(Path.Combine(_root, "base"), videos: 10, perVideo: 3);
        _modelData = Path.Combine(_root, "tiny");
        new SyntheticGenerator(SyntheticPreset.Tiny, seed: 5).Generate(_modelData);
        _model = Path.Combine(_root, "full.zip");
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = Program.Run(["train", "--data", _modelData, "--out", _model, "--epochs", "1", "--hidden-size", "8", "--device", "cpu",
            "--diffusion-steps", "3"], new CliContext(o, e));
        Assert.AreEqual(Program.Success, code, e.ToString());
    }

    [ClassCleanup]
    public static void DeleteInputs() => Directory.Delete(_root, recursive: true);

    [TestMethod]
    [DataRow("train.videos.parquet")]
    [DataRow("train.questions.parquet")]
    [DataRow("dataset.json")]
    public void Dataset_MutatedFile_ReadsOrFailsLocated(string file)
    {
        byte[] original = File.ReadAllBytes(Path.Combine(_dataset, file));
        var outcomes = Fuzz(file, original, file.EndsWith(".json", StringComparison.Ordinal), bytes =>
        {
            string dir = Path.Combine(_root, "mutant-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                Directory.CreateDirectory(dir);
                foreach (string path in Directory.GetFiles(_dataset))
                    File.Copy(path, Path.Combine(dir, Path.GetFileName(path)));
                File.WriteAllBytes(Path.Combine(dir, file), bytes);
                DataViewReading.ReadAll(new MLContext(1).Data.LoadFromAvqaDataset(dir, "train"));
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }, e => e is AvqaDataException);
        Report(file, outcomes);
    }

    [TestMethod]
    public void Npy_MutatedFile_ParsesOrFailsLocated()
    {
        string path = Path.Combine(_root, "a.npy");
        NpyFile.Write(path, Enumerable.Range(0, 60).Select(i => i * 0.5f).ToArray(), [3, 4, 5], overwrite: true);
        byte[] original = File.ReadAllBytes(path);
        var outcomes = Fuzz("a.npy", original, json: false, bytes => NpyFile.Parse(bytes, "a.npy"), e => e is AvqaDataException);
        Report("a.npy", outcomes);
    }

    [TestMethod]
    public void ModelZip_Mutated_LoadsAndPredictsOrFailsWithAFormatError()
    {
        byte[] original = File.ReadAllBytes(_model);
        var data = new MLContext(1).Data.LoadFromAvqaDataset(_modelData, "test");
        var outcomes = Fuzz("full.zip", original, json: false, bytes =>
        {
            var mlContext = new MLContext(1);
            using var stream = new MemoryStream(bytes);
            var model = mlContext.Model.Load(stream, out _);
            using var cursor = model.Transform(data).GetRowCursor(model.GetOutputSchema(data.Schema));
            while (cursor.MoveNext())
            {
            }
        }, e => AvqaErrors.RootCause(e) is AvqaModelException or InvalidDataException or FormatException);
        Report("full.zip", outcomes);
    }

    private sealed record Outcomes(int Read, Dictionary<string, int> Failures, List<string> Defects);

    /// <summary>Runs <see cref="Mutants"/> mutants through <paramref name="read"/>; an exception not <paramref name="expected"/>, or a hang, is a defect.</summary>
    private static Outcomes Fuzz(string name, byte[] original, bool json, Action<byte[]> read, Func<Exception, bool> expected)
    {
        int ok = 0;
        var failures = new Dictionary<string, int>(StringComparer.Ordinal);
        var defects = new List<string>();
        for (int k = 0; k < Mutants; k++)
        {
            int seed = FirstSeed + k;
            var (bytes, what) = new Mutator(seed).Mutate(original, json);
            var run = Task.Run(() => read(bytes));
            if (Task.WaitAny([run], Hang) < 0)
            {
                defects.Add($"{name} seed {seed} ({what}): no answer after {Hang.TotalSeconds:F0} s");
                continue;
            }
            if (run.Exception is null)
            {
                ok++;
                continue;
            }
            var error = run.Exception.InnerException!;
            var cause = AvqaErrors.RootCause(error);
            if (expected(error))
                failures[cause.GetType().Name] = failures.GetValueOrDefault(cause.GetType().Name) + 1;
            else
                defects.Add($"{name} seed {seed} ({what}): {cause.GetType().Name}: {cause.Message} [{WhereInLibrary(cause)}]");
        }
        return new Outcomes(ok, failures, defects);
    }

    /// <summary>The innermost library frame the exception passed, to find the read that let it through.</summary>
    private static string WhereInLibrary(Exception e) =>
        (e.StackTrace ?? "").Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("MissingModality.Data", StringComparison.Ordinal)
            || l.Contains("MissingModality.Internal", StringComparison.Ordinal)) ?? (e.StackTrace ?? "").Split('\n')[0].Trim();

    private void Report(string name, Outcomes outcomes)
    {
        string line = $"{name}: {Mutants} mutants from seed {FirstSeed}: {outcomes.Read} read, " +
            string.Join(", ", outcomes.Failures.OrderBy(p => p.Key).Select(p => $"{p.Value} {p.Key}")) + $", {outcomes.Defects.Count} defects";
        TestContext.WriteLine(line);
        if (Environment.GetEnvironmentVariable("MISSINGMODALITY_FUZZ_REPORT") is { Length: > 0 } report)
            File.AppendAllText(report, line + "\n" + string.Concat(outcomes.Defects.Select(d => "  " + d + "\n")), new UTF8Encoding(false));
        if (outcomes.Defects.Count > 0)
            Assert.Fail(line + ":\n" + string.Join("\n", outcomes.Defects.Take(20)));
    }
}
