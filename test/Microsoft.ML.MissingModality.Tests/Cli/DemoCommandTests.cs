using Microsoft.ML.MissingModality.Cli;

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
            Assert.AreEqual(stdout, results);
            foreach (string method in new[] { "AVST", "AVST + RMM + AVR" })
                foreach (string scenario in new[] { "complete", "audio missing", "visual missing" })
                    StringAssert.Contains(results, $"| {method}, {scenario} |");
            StringAssert.Contains(results, "Majority per template");
            StringAssert.Contains(stderr, "3/3");

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
