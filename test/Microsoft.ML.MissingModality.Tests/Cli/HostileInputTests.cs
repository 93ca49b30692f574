using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.ML.MissingModality.Cli;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets.Synthetic;
using Microsoft.ML.MissingModality.Tests.Data;

namespace Microsoft.ML.MissingModality.Tests.Cli;

/// <summary>
/// The hostile inputs of the reliability review as regression tests: each bad dataset, model zip or command line gets
/// one located message on stderr (file, column or field, row), exit code 1 (2 for a bad command line), no stack
/// trace, and leaves no output behind.
/// </summary>
[TestClass]
public sealed class HostileInputTests
{
    private static string _root = "", _data = "", _model = "";
    private string _case = "";

    [ClassInitialize]
    public static void CreateDatasetAndModel(TestContext _)
    {
        _root = TestPaths.NewTempDirectory();
        _data = Path.Combine(_root, "tiny");
        new SyntheticGenerator(SyntheticPreset.Tiny, seed: 4).Generate(_data);
        _model = Path.Combine(_root, "avst.zip");
        var (code, _, error) = Run("train", "--data", _data, "--out", _model, "--recall", "zero", "--enhance", "none",
            "--epochs", "1", "--hidden-size", "8", "--device", "cpu");
        Assert.AreEqual(Program.Success, code, error);
    }

    [ClassCleanup]
    public static void DeleteAll() => Directory.Delete(_root, recursive: true);

    [TestInitialize]
    public void CreateCase() => _case = Directory.CreateDirectory(Path.Combine(_root, "case-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    [TestCleanup]
    public void DeleteCase() => Directory.Delete(_case, recursive: true);

    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = Program.Run(args, new CliContext(o, e));
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>A copy of the tiny dataset for this test to damage.</summary>
    private string CopyOfData()
    {
        string copy = Path.Combine(_case, "data");
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(_data))
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    private static FeatureShape Shape => SyntheticPreset.Tiny.Shape;

    /// <summary>Asserts one located error line: exit 1, every fragment present, no wrapper text, no stack trace.</summary>
    private static void AssertLocatedFailure((int Code, string Out, string Error) result, params string[] fragments)
    {
        Assert.AreEqual(Program.Failure, result.Code, result.Error);
        var lines = result.Error.TrimEnd().Split('\n');
        Assert.AreEqual(1, lines.Count(l => l.StartsWith("error: ", StringComparison.Ordinal)), "one error line: " + result.Error);
        string error = lines[^1];
        StringAssert.StartsWith(error, "error: ", "the error is the last line: " + result.Error);
        foreach (string fragment in fragments)
            StringAssert.Contains(error, fragment);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("consolidator", result.Error);
        Assert.DoesNotContain("unexpected", result.Error);
    }

    private (int, string, string) Train(string data, params string[] extra) =>
        Run(["train", "--data", data, "--out", Path.Combine(_case, "m.zip"), "--recall", "zero", "--enhance", "none", "--epochs", "1",
            "--hidden-size", "8", "--device", "cpu", .. extra]);

    private (int, string, string) Evaluate(string data, string? model = null) =>
        Run("evaluate", "--model", model ?? _model, "--data", data, "--missing", "audio", "--seed", "1");

    private void AssertNoModel() => Assert.IsFalse(Directory.EnumerateFiles(_case, "m.zip*").Any(), "no model or partial file");

    private static void ReplaceVideo(string data, string split, int row, Func<RawTables.VideoRow, RawTables.VideoRow> change)
    {
        string path = Path.Combine(data, DatasetSchema.VideosFileName(split));
        var rows = RawTables.ReadVideos(path, Shape);
        rows[row] = change(rows[row]);
        RawTables.WriteVideos(path, rows);
    }

    private static void ReplaceQuestions(string data, string split, Action<List<string?[]>> change)
    {
        string path = Path.Combine(data, DatasetSchema.QuestionsFileName(split));
        var rows = RawTables.ReadQuestions(path);
        change(rows);
        RawTables.WriteQuestions(path, rows);
        RawTables.RecountQuestions(data, split, rows);
    }

    // Class 2: row errors raised while ML.NET pulls rows reach the user located, not as ML.NET's wrapper.

    [TestMethod]
    public void Train_NaNInTrainFeatures_NamesFileColumnRowAndWritesNoModel()
    {
        string data = CopyOfData();
        ReplaceVideo(data, "train", 3, v => v with { Audio = v.Audio!.Select((x, i) => i == 5 ? float.NaN : x).ToArray() });

        AssertLocatedFailure(Train(data), "train.videos.parquet", "column 'audio'", "row 3", "NaN");
        AssertNoModel();
    }

    [TestMethod]
    public void Evaluate_WrongVectorLengthInTestFeatures_NamesFileColumnRow()
    {
        string data = CopyOfData();
        ReplaceVideo(data, "test", 2, v => v with { Visual = v.Visual![..^3] });

        AssertLocatedFailure(Evaluate(data), "test.videos.parquet", "column 'visual'", "row");
    }

    [TestMethod]
    public void Evaluate_EmptyList_IsNotReadAsMissing()
    {
        string data = CopyOfData();
        ReplaceVideo(data, "test", 1, v => v with { Audio = [] });

        AssertLocatedFailure(Evaluate(data), "test.videos.parquet", "column 'audio'", "empty", "null list");
    }

    // Class 3: sizes and bytes from files never crash the process.

    [TestMethod]
    [DataRow("missing")]
    [DataRow("truncated")]
    [DataRow("emptied")]
    public void Evaluate_DamagedWeightsEntry_NamesTheZipAndEntry(string damage)
    {
        string model = Path.Combine(_case, "damaged.zip");
        File.Copy(_model, model);
        using (var zip = ZipFile.Open(model, ZipArchiveMode.Update))
        {
            var entry = zip.Entries.First(e => e.FullName.EndsWith("Weights", StringComparison.OrdinalIgnoreCase) || e.FullName.Contains("weights", StringComparison.OrdinalIgnoreCase));
            string name = entry.FullName;
            byte[] bytes;
            using (var stream = entry.Open())
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            entry.Delete();
            if (damage != "missing")
            {
                using var replaced = zip.CreateEntry(name).Open();
                replaced.Write(damage == "truncated" ? bytes[..(bytes.Length / 2)] : []);
            }
        }

        AssertLocatedFailure(Evaluate(_data, model), "damaged.zip", "entry '");
    }

    [TestMethod]
    [DataRow("\"videos\": 1.5", "splits.train.videos")]
    [DataRow("\"videos\": \"forty\"", "splits.train.videos")]
    [DataRow("\"videos\": -4", "splits.train.videos")]
    [DataRow("\"segments\": \"ten\"", "shape.segments")]
    [DataRow("\"audioDim\": 2000000000", "shape")]
    [DataRow("\"audioDim\": 1e400", "shape.audioDim")]
    public void Train_BadManifestValue_NamesTheManifestAndField(string replacement, string field)
    {
        string data = CopyOfData();
        string manifest = Path.Combine(data, DatasetSchema.ManifestFileName);
        var root = JsonNode.Parse(File.ReadAllText(manifest))!;
        string key = replacement.Split(':')[0].Trim('"', ' ');
        string value = replacement[(replacement.IndexOf(':') + 1)..].Trim();
        string text = File.ReadAllText(manifest);
        string current = key is "videos" ? $"\"videos\": {root["splits"]!["train"]!["videos"]}" : $"\"{key}\": {root["shape"]![key]}";
        Assert.Contains(current, text);
        File.WriteAllText(manifest, ReplaceFirst(text, current, $"\"{key}\": {value}"));

        AssertLocatedFailure(Train(data), "dataset.json", field);
        AssertNoModel();
    }

    private static string ReplaceFirst(string text, string old, string replacement)
    {
        int at = text.IndexOf(old, StringComparison.Ordinal);
        return text[..at] + replacement + text[(at + old.Length)..];
    }

    [TestMethod]
    public void Train_ManifestShapeDisagreesWithFilesWithoutMetadata_FailsAtLoad()
    {
        // The tables written by hand carry no shape metadata: only the value counts can tell the manifest is wrong.
        string data = CopyOfData();
        foreach (string split in new[] { "train", "val", "test" })
        {
            string path = Path.Combine(data, DatasetSchema.VideosFileName(split));
            RawTables.WriteVideos(path, RawTables.ReadVideos(path, Shape));
        }
        RawTables.EditManifest(data, root => root["shape"]!["audioDim"] = 4096);

        AssertLocatedFailure(Train(data), "videos.parquet", "column 'audio'", "dataset.json");
        AssertNoModel();
    }

    // Class 4: the reader checks what the writer guarantees.

    [TestMethod]
    public void Train_DuplicateQuestionIdWithinSplit_NamesRow()
    {
        string data = CopyOfData();
        ReplaceQuestions(data, "train", rows => rows[7][0] = rows[2][0]);

        AssertLocatedFailure(Train(data), "train.questions.parquet", "column 'question_id'", "row 7", "Duplicate");
    }

    [TestMethod]
    public void Evaluate_QuestionIdAlsoInAnotherSplit_NamesBothSplits()
    {
        string data = CopyOfData();
        string trainId = RawTables.ReadQuestions(Path.Combine(data, "train.questions.parquet"))[0][0]!;
        ReplaceQuestions(data, "test", rows => rows[4][0] = trainId);

        AssertLocatedFailure(Evaluate(data), "test.questions.parquet", "row 4", "split 'train'");
    }

    [TestMethod]
    public void Train_UnknownQuestionType_FailsBeforeTraining()
    {
        string data = CopyOfData();
        ReplaceQuestions(data, "train", rows => rows[5][3] = "Audio/Singing");

        var result = Train(data);

        AssertLocatedFailure(result, "train.questions.parquet", "column 'question_type'", "row 5", "Audio/Singing");
        Assert.DoesNotContain("epoch", result.Item3);
        AssertNoModel();
    }

    [TestMethod]
    public void Evaluate_QuestionsTableEmptiedButManifestCountsRows_NamesTheCount()
    {
        string data = CopyOfData();
        RawTables.WriteQuestions(Path.Combine(data, "test.questions.parquet"), []);

        AssertLocatedFailure(Evaluate(data), "dataset.json", "splits.test.questions", "0 rows");
    }

    [TestMethod]
    public void Evaluate_QuestionOnAVideoNotInTheTable_NamesRow()
    {
        string data = CopyOfData();
        ReplaceQuestions(data, "test", rows => rows[3][1] = "no-such-video");

        AssertLocatedFailure(Evaluate(data), "test.questions.parquet", "column 'video_id'", "row 3", "no-such-video");
    }

    [TestMethod]
    public void Train_DuplicateVideoId_NamesRow()
    {
        string data = CopyOfData();
        string path = Path.Combine(data, "train.videos.parquet");
        var rows = RawTables.ReadVideos(path, Shape);
        rows[6] = rows[6] with { Id = rows[1].Id };
        RawTables.WriteVideos(path, rows);

        AssertLocatedFailure(Train(data), "train.videos.parquet", "column 'video_id'", "row 6", "Duplicate video id");
        AssertNoModel();
    }

    [TestMethod]
    public void Evaluate_EmptyVideosTable_NamesTheCount()
    {
        string data = CopyOfData();
        RawTables.WriteVideos(Path.Combine(data, "test.videos.parquet"), []);

        AssertLocatedFailure(Evaluate(data), "dataset.json", "splits.test.videos");
    }

    [TestMethod]
    public void Train_Diverging_ExitsOneAndWritesNoModel()
    {
        var result = Train(_data, "--learning-rate", "1e30");

        AssertLocatedFailure(result, "diverged");
        AssertNoModel();
    }

    // Class 6: the right exit code and the user's words.

    [TestMethod]
    public void Evaluate_ModelOfAnotherShape_IsADataFailure()
    {
        string pooled = Path.Combine(_case, "pooled");
        new SyntheticGenerator(SyntheticPreset.Tiny.WithPooledVisual(), seed: 4).Generate(pooled);

        var result = Evaluate(pooled);

        Assert.AreEqual(Program.Failure, result.Item1, result.Item3);
        Assert.DoesNotContain("   at ", result.Item3);
    }

    [TestMethod]
    [DataRow("--epochs", "0")]
    [DataRow("--learning-rate", "-1")]
    [DataRow("--hidden-size", "2")]
    [DataRow("--batch-size", "0")]
    public void Train_OutOfRangeOption_IsAUsageErrorNamingTheFlag(string flag, string value)
    {
        var result = Train(_data, flag, value);

        Assert.AreEqual(Program.UsageError, result.Item1, result.Item3);
        StringAssert.Contains(result.Item3, flag);
        AssertNoModel();
    }

    [TestMethod]
    public void Train_OutIsAFolder_IsAUsageErrorBeforeTraining()
    {
        var result = Run("train", "--data", _data, "--out", _case, "--recall", "zero", "--enhance", "none", "--epochs", "1");

        Assert.AreEqual(Program.UsageError, result.Code, result.Error);
        StringAssert.Contains(result.Error, "is a folder");
        Assert.DoesNotContain("Training on", result.Error);
    }

    [TestMethod]
    public void Train_OutBelowAFile_FailsBeforeTraining()
    {
        string file = Path.Combine(_case, "notes.txt");
        File.WriteAllText(file, "mine");

        var result = Run("train", "--data", _data, "--out", Path.Combine(file, "m.zip"), "--recall", "zero", "--enhance", "none", "--epochs", "1");

        AssertLocatedFailure(result, "--out", "cannot be written");
        Assert.DoesNotContain("Training on", result.Error);
        Assert.DoesNotContain(".partial-", result.Error, "the user's path, not a temporary one");
        Assert.AreEqual("mine", File.ReadAllText(file));
    }

    // Class 1: nothing the user has is lost.

    [TestMethod]
    public void Synth_OverwriteAFolderOfOtherFiles_RefusesAndKeepsThem()
    {
        string mine = Path.Combine(_case, "mine");
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, "notes.txt"), "keep me");

        var result = Run("synth", "--preset", "tiny", "--out", mine, "--overwrite");

        AssertLocatedFailure(result, "not a dataset");
        Assert.AreEqual("keep me", File.ReadAllText(Path.Combine(mine, "notes.txt")));
        Assert.HasCount(1, Directory.GetFileSystemEntries(_case), "nothing left beside it");
    }

    [TestMethod]
    public void Synth_ExistingDatasetWithoutOverwrite_NamesTheFlag()
    {
        string data = CopyOfData();

        AssertLocatedFailure(Run("synth", "--preset", "tiny", "--out", data), "--overwrite");
    }

    [TestMethod]
    public void Synth_AfterAKilledRun_RemovesItsAbandonedTemporaryFolder()
    {
        string target = Path.Combine(_case, "ds");
        int deadPid = Enumerable.Range(4_000_000, 1000).First(pid => !Directory.Exists($"/proc/{pid}"));
        string abandoned = $"{target}.partial-{deadPid}-0badf00d";
        Directory.CreateDirectory(abandoned);
        File.WriteAllText(Path.Combine(abandoned, "train.videos.parquet.partial"), "half");

        var (code, _, error) = Run("synth", "--preset", "tiny", "--out", target, "--report");

        Assert.AreEqual(Program.Success, code, error);
        Assert.IsFalse(Directory.Exists(abandoned));
        CollectionAssert.AreEquivalent(new[] { "ds" }, Directory.GetFileSystemEntries(_case).Select(Path.GetFileName).ToArray());
        Assert.IsTrue(File.Exists(Path.Combine(target, "difficulty.md")), "the report comes with the dataset");
    }

    [TestMethod]
    public void WriteAtomically_TargetAppearsMeanwhile_RefusesAndKeepsIt()
    {
        string target = Path.Combine(_case, "m.zip");

        var e = Assert.ThrowsExactly<OutputExistsException>(() => Microsoft.ML.MissingModality.Cli.Recipes.ModelFiles.WriteAtomically(target, temporary =>
        {
            File.WriteAllText(temporary, "new");
            File.WriteAllText(target, "a second run's model");
        }, overwrite: false));

        Assert.AreEqual("a second run's model", File.ReadAllText(target));
        Assert.HasCount(1, Directory.GetFiles(_case), "no temporary file left");
        StringAssert.Contains(e.Message, "appeared");
    }
}
