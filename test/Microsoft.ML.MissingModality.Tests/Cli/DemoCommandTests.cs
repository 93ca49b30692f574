using Microsoft.ML.MissingModality.Cli;
using Microsoft.ML.MissingModality.Cli.Commands;

namespace Microsoft.ML.MissingModality.Tests.Cli;

[TestClass]
public sealed class DemoCommandTests
{
    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = Program.Run(args, new CliContext(o, e));
        return (code, o.ToString(), e.ToString());
    }

    [TestMethod]
    public void Demo_TinyOneEpoch_WritesModelAndResultsForTheThreeScenarios()
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            string output = Path.Combine(root, "demo");
            var (code, stdout, stderr) = Run("demo", "--preset", "tiny", "--epochs", "1", "--out", output, "--device", "cpu");
            Assert.AreEqual(Program.Success, code, stderr);
            Assert.IsTrue(File.Exists(Path.Combine(output, "avqa.zip")));
            Assert.IsTrue(File.Exists(Path.Combine(output, "avqa-rmm-avr.zip")));
            Assert.IsTrue(File.Exists(Path.Combine(output, "data", "dataset.json")));
            string results = File.ReadAllText(Path.Combine(output, "results.md"));
            foreach (string method in new[] { "AVST", "AVST + RMM + AVR" })
                foreach (string scenario in new[] { "complete", "audio missing", "visual missing" })
                {
                    StringAssert.Contains(results, $"| {method}, {scenario} |");
                    StringAssert.Contains(stdout, $"| {method}, {scenario} ");
                }
            StringAssert.Contains(results, "Majority per template");
            StringAssert.Contains(stderr, "3/3");
            foreach (string chart in new[] { DemoCommand.AccuracyChartFile, DemoCommand.TrainingChartFile })
            {
                Assert.IsGreaterThan(5_000L, new FileInfo(Path.Combine(output, chart)).Length, chart);
                StringAssert.Contains(results, $"]({chart})", "results.md shows the chart");
            }
            // The terminal gets the short table (it fits 80 columns) and a last line naming what was written.
            var lines = stdout.TrimEnd().Split('\n');
            Assert.IsTrue(lines.SkipLast(1).All(l => l.Length <= 80), stdout);
            StringAssert.StartsWith(lines[^1], $"Wrote {output}: results.md");
            Assert.AreEqual(1, Directory.GetFileSystemEntries(root).Length, "no partial folder left beside the output");

            var again = Run("demo", "--preset", "tiny", "--epochs", "1", "--out", output);
            Assert.AreEqual(Program.Failure, again.Code);
            StringAssert.Contains(again.Error, "--overwrite");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void Demo_OverwriteThenFailure_LeavesTheOldOutputAsItWas()
    {
        if (TorchSharp.torch.cuda.is_available())
            Assert.Inconclusive("needs a machine without CUDA, where --device cuda fails after the data is generated");
        string root = TestPaths.NewTempDirectory();
        try
        {
            string output = Path.Combine(root, "demo");
            Directory.CreateDirectory(output);
            File.WriteAllText(Path.Combine(output, "results.md"), "the old results");
            var (code, _, stderr) = Run("demo", "--preset", "tiny", "--epochs", "1", "--out", output, "--overwrite", "--device", "cuda");
            Assert.AreEqual(Program.Failure, code, stderr);
            Assert.AreEqual("the old results", File.ReadAllText(Path.Combine(output, "results.md")));
            Assert.HasCount(1, Directory.GetFileSystemEntries(output));
            Assert.HasCount(1, Directory.GetFileSystemEntries(root), "the partial folder is removed");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void Demo_OutHoldsTheCurrentDirectory_RefusesEvenWithOverwrite()
    {
        string root = TestPaths.NewTempDirectory();
        string previous = Environment.CurrentDirectory;
        try
        {
            string inside = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
            File.WriteAllText(Path.Combine(inside, "notes.txt"), "mine");
            Environment.CurrentDirectory = inside;
            var (code, _, stderr) = Run("demo", "--preset", "tiny", "--epochs", "1", "--out", ".", "--overwrite");
            Environment.CurrentDirectory = previous;
            Assert.AreEqual(Program.Failure, code, stderr);
            StringAssert.Contains(stderr, "current directory");
            Assert.AreEqual("mine", File.ReadAllText(Path.Combine(inside, "notes.txt")));
            Assert.HasCount(1, Directory.GetFileSystemEntries(root));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    [DataRow("--batch-size", "0")]
    [DataRow("--epochs", "0")]
    public void Demo_NonPositiveSchedule_UsageErrorBeforeAnythingIsWritten(string option, string value)
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            string output = Path.Combine(root, "demo");
            var (code, _, stderr) = Run("demo", "--preset", "tiny", option, value, "--out", output);
            Assert.AreEqual(Program.UsageError, code, stderr);
            StringAssert.Contains(stderr, option);
            Assert.IsFalse(Directory.Exists(output), "nothing is generated before the arguments are checked");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
