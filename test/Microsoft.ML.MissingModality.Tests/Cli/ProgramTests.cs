using Microsoft.ML.MissingModality.Cli;
using Microsoft.ML.MissingModality.Tests.Datasets;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Cli;

[TestClass]
public sealed class ProgramTests : TempDirectoryTest
{
    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, new CliContext(output, error));
        return (code, output.ToString(), error.ToString());
    }

    private static string[] ImportArgs(MusicAvqaFixture f) =>
        ["import-music-avqa", "--questions", f.QuestionsPath, "--audio-dir", f.AudioDir, "--visual-dir", f.VisualDir, "--out", f.OutDir, "--segments", "3"];

    [TestMethod]
    public void ImportMusicAvqa_GoodInput_ExitsZeroAndWritesDataset()
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([3]);

        var (code, output, error) = Run(ImportArgs(f));

        Assert.AreEqual(0, code, error);
        Assert.IsTrue(File.Exists(Path.Combine(f.OutDir, "dataset.json")));
        StringAssert.Contains(output, "3 videos, 4 questions");
        StringAssert.Contains(output, "Skipped 1 videos");
    }

    [TestMethod]
    public void ImportMusicAvqa_CorruptNpy_ExitsOneWithLocatedMessageAndNoOutput()
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([3]);
        File.WriteAllText(Path.Combine(f.AudioDir, "00000002.npy"), "garbage");

        var (code, _, error) = Run(ImportArgs(f));

        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "00000002.npy");
        Assert.DoesNotContain("   at ", error);
        Assert.IsFalse(Directory.Exists(f.OutDir));
    }

    [TestMethod]
    public void ImportMusicAvqa_ExistingOutput_ExitsOneAndKeepsIt()
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([3]);
        Directory.CreateDirectory(f.OutDir);
        File.WriteAllText(Path.Combine(f.OutDir, "keep.txt"), "mine");

        var (code, _, error) = Run(ImportArgs(f));

        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "pass --overwrite");
        Assert.AreEqual("mine", File.ReadAllText(Path.Combine(f.OutDir, "keep.txt")));
    }

    [TestMethod]
    public void ImportMusicAvqa_MissingRequiredOption_ExitsTwo()
    {
        var (code, _, error) = Run("import-music-avqa", "--questions", "q.json");

        Assert.AreEqual(2, code);
        StringAssert.Contains(error, "--out");
    }
}
