using Microsoft.ML.MissingModality.Data;
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
    private void WriteTestSplitQuestions(MusicAvqaFixture f)
    {
        string val = File.ReadAllText(f.QuestionsPath);
        f.WriteQuestions(
            ("00000003", 31, "Audio", "Counting", "How many instruments are sounding?", [], "one"),
            ("00000001", 12, "Visual", "Counting", "How many instruments are there?", [], "two"));
        File.Move(f.QuestionsPath, Path.Combine(f.Root, "avqa-test.json"));
        File.WriteAllText(f.QuestionsPath, val);
    }

    [TestMethod]
    public void ImportMusicAvqa_IntoAnExistingDataset_AddsTheSplitAndKeepsTheOthers()
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([3]);
        WriteTestSplitQuestions(f);
        Assert.AreEqual(0, Run(ImportArgs(f)).Code);
        byte[] valTable = File.ReadAllBytes(Path.Combine(f.OutDir, "val.videos.parquet"));
        string[] addTest = [.. ImportArgs(f)];
        addTest[2] = Path.Combine(f.Root, "avqa-test.json");

        var (code, output, error) = Run(addTest);

        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "Wrote split 'test'");
        var manifest = DatasetManifest.Load(f.OutDir);
        CollectionAssert.AreEquivalent(new[] { "val", "test" }, manifest.Splits.Keys.ToArray());
        Assert.AreEqual(2, manifest.Splits["test"].Questions);
        Assert.AreEqual(4, manifest.Splits["val"].Questions);
        CollectionAssert.AreEqual(valTable, File.ReadAllBytes(Path.Combine(f.OutDir, "val.videos.parquet")), "the kept split is untouched");
        CollectionAssert.AreEquivalent(new[] { "dataset.json", "val.videos.parquet", "val.questions.parquet", "test.videos.parquet", "test.questions.parquet" },
            Directory.GetFileSystemEntries(f.OutDir).Select(Path.GetFileName).ToArray());
        Assert.HasCount(1, Directory.GetFileSystemEntries(f.Root).Where(p => Path.GetFileName(p).StartsWith("out", StringComparison.Ordinal)), "no temporary folder left");
        var mlContext = new MLContext(1);
        Assert.AreEqual(2, mlContext.Data.LoadFromAvqaDataset(f.OutDir, "test").GetRowCount());
    }

    [TestMethod]
    public void ImportMusicAvqa_ASplitTheDatasetHas_IsReplacedOnlyWithOverwrite()
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([3]);
        WriteTestSplitQuestions(f);
        string[] test = [.. ImportArgs(f)];
        test[2] = Path.Combine(f.Root, "avqa-test.json");
        Assert.AreEqual(0, Run(ImportArgs(f)).Code);
        Assert.AreEqual(0, Run(test).Code);
        string manifestBefore = File.ReadAllText(Path.Combine(f.OutDir, "dataset.json"));

        var (refused, _, refusal) = Run(test);
        var (replaced, _, error) = Run([.. test, "--overwrite"]);

        Assert.AreEqual(1, refused);
        StringAssert.Contains(refusal, "already has a split 'test'; pass --overwrite");
        Assert.AreEqual(0, replaced, error);
        Assert.AreEqual(manifestBefore, File.ReadAllText(Path.Combine(f.OutDir, "dataset.json")), "the same split again: the same manifest");
        CollectionAssert.AreEquivalent(new[] { "val", "test" }, DatasetManifest.Load(f.OutDir).Splits.Keys.ToArray());
    }

    [TestMethod]
    public void ImportMusicAvqa_QuestionIdOfAnotherSplit_ExitsOneAndKeepsTheDataset()
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([3]);
        Assert.AreEqual(0, Run(ImportArgs(f)).Code);
        string manifestBefore = File.ReadAllText(Path.Combine(f.OutDir, "dataset.json"));
        File.Copy(f.QuestionsPath, Path.Combine(f.Root, "avqa-test.json"));
        string[] test = [.. ImportArgs(f)];
        test[2] = Path.Combine(f.Root, "avqa-test.json");

        var (code, _, error) = Run(test);

        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "split 'val'");
        Assert.AreEqual(manifestBefore, File.ReadAllText(Path.Combine(f.OutDir, "dataset.json")));
        Assert.IsFalse(File.Exists(Path.Combine(f.OutDir, "test.videos.parquet")));
    }

    [TestMethod]
    public void ImportMusicAvqa_QuestionsWithAByteOrderMark_Imports()
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([3]);
        File.WriteAllBytes(f.QuestionsPath, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(f.QuestionsPath)]);

        var (code, _, error) = Run(ImportArgs(f));

        Assert.AreEqual(0, code, error);
    }

    [TestMethod]
    [DataRow("header")]
    [DataRow("shape")]
    public void ImportMusicAvqa_AbsurdNpyHeader_ExitsOneNamingTheFile(string absurd)
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([3]);
        string path = Path.Combine(f.AudioDir, "00000002.npy");
        if (absurd == "header")
            File.WriteAllBytes(path, [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0, 0xF0, 0xFF, 0xFF, 0xFF, (byte)'{']);
        else
        {
            string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647), }\n";
            File.WriteAllBytes(path, [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0, .. System.Text.Encoding.Latin1.GetBytes(header), 1, 2, 3, 4]);
        }

        var (code, _, error) = Run(ImportArgs(f));

        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, "00000002.npy");
        Assert.DoesNotContain("   at ", error);
        Assert.IsFalse(Directory.Exists(f.OutDir));
    }
}
