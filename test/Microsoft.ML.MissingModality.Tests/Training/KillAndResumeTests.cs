using System.Diagnostics;
using System.IO.Compression;
using Microsoft.ML.MissingModality.Cli;
using Microsoft.ML.MissingModality.Datasets.Synthetic;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Training;

/// <summary>
/// <c>avqa train --checkpoint DIR</c> killed with SIGKILL during each component's training (the RMM generator, the AVR
/// diffusion, the answerer), at a seeded random moment after one of its epochs, and run again each time: the model it
/// finally saves is the one an uninterrupted run saves, entry for entry and byte for byte (MKL_CBWR=COMPATIBLE).
/// </summary>
[TestClass]
public sealed class KillAndResumeTests : TempDirectoryTest
{
    private string[] TrainArgs(string data, string model) =>
        ["train", "--data", data, "--out", model, "--epochs", "3", "--hidden-size", "8", "--diffusion-steps", "3", "--device", "cpu"];

    /// <summary>Runs the CLI in a child process; when a stderr line starts with <paramref name="killAfter"/>, kills it after <paramref name="delayMs"/>.</summary>
    private static (bool Killed, int ExitCode, string Error) RunCli(string[] args, string? killAfter = null, int delayMs = 0)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "avqa.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(cli);
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["MKL_CBWR"] = "COMPATIBLE";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var error = new System.Text.StringBuilder();
        bool killed = false;
        string? line;
        while ((line = process.StandardError.ReadLine()) is not null)
        {
            error.AppendLine(line);
            if (killAfter is not null && !killed && line.TrimStart().StartsWith(killAfter, StringComparison.Ordinal))
            {
                Thread.Sleep(delayMs);
                process.Kill(entireProcessTree: true); // SIGKILL: no handler runs, nothing is cleaned up
                killed = true;
            }
        }
        Assert.IsTrue(process.WaitForExit(300_000), "the CLI did not finish in 5 minutes");
        stdout.Wait();
        return (killed, process.ExitCode, error.ToString());
    }

    private static Dictionary<string, byte[]> Entries(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
    }

    [TestMethod]
    public void Train_KilledInEveryComponentAndRunAgain_SavesTheUninterruptedModel()
    {
        string data = Path.Combine(Root, "tiny");
        new SyntheticGenerator(SyntheticPreset.Tiny, seed: 6).Generate(data);
        string reference = Path.Combine(Root, "reference.zip"), model = Path.Combine(Root, "resumed.zip"), checkpoint = Path.Combine(Root, "ck");
        var uninterrupted = RunCli(TrainArgs(data, reference));
        Assert.AreEqual(0, uninterrupted.ExitCode, uninterrupted.Error);

        var random = new Random(15);
        string[] resumable = [.. TrainArgs(data, model), "--checkpoint", checkpoint];
        foreach (string killAfter in new[] { "rmm epoch 7/", "avr epoch 4/", "epoch 2/3:" })
        {
            var run = RunCli(resumable, killAfter, delayMs: random.Next(0, 300));
            Assert.IsTrue(run.Killed, $"the run reached '{killAfter}':\n{run.Error}");
            Assert.IsFalse(File.Exists(model), "a killed run saves no model");
        }
        var last = RunCli(resumable);

        Assert.AreEqual(0, last.ExitCode, last.Error);
        var expected = Entries(reference);
        var actual = Entries(model);
        CollectionAssert.AreEquivalent(expected.Keys.ToArray(), actual.Keys.ToArray());
        foreach (var (name, bytes) in expected)
            CollectionAssert.AreEqual(bytes, actual[name], $"zip entry {name}");
        Assert.IsFalse(Directory.EnumerateFileSystemEntries(checkpoint, "*.partial-*", SearchOption.AllDirectories).Any(), "no temporary checkpoint left");
    }

    [TestMethod]
    public void Train_CheckpointOfAnotherTraining_ExitsOneNamingIt()
    {
        string data = Path.Combine(Root, "tiny");
        new SyntheticGenerator(SyntheticPreset.Tiny, seed: 6).Generate(data);
        string checkpoint = Path.Combine(Root, "ck");
        string[] args = ["train", "--data", data, "--recall", "zero", "--enhance", "none", "--epochs", "1", "--hidden-size", "8", "--device", "cpu", "--checkpoint", checkpoint];
        var (o, e) = (new StringWriter(), new StringWriter());
        Assert.AreEqual(Program.Success, Program.Run([.. args, "--out", Path.Combine(Root, "a.zip")], new CliContext(o, e)), e.ToString());

        var error = new StringWriter();
        int code = Program.Run([.. args, "--out", Path.Combine(Root, "b.zip"), "--learning-rate", "0.01"], new CliContext(new StringWriter(), error));

        Assert.AreEqual(Program.Failure, code);
        StringAssert.Contains(error.ToString(), checkpoint);
        StringAssert.Contains(error.ToString(), "other options");
        Assert.IsFalse(File.Exists(Path.Combine(Root, "b.zip")));
    }
}
