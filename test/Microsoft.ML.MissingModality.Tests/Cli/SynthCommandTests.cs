using Microsoft.ML.MissingModality.Cli;
using Microsoft.ML.MissingModality.Cli.Commands;
using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Tests.Cli;

[TestClass]
public sealed class SynthCommandTests
{
    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = Program.Run(args, new CliContext(o, e));
        return (code, o.ToString(), e.ToString());
    }

    [TestMethod]
    public void Synth_TinyWithReport_WritesDatasetReportAndProgressOnStderr()
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            string dir = Path.Combine(root, "tiny");
            var (code, stdout, stderr) = Run("synth", "--preset", "tiny", "--seed", "3", "--out", dir, "--report");
            Assert.AreEqual(Program.Success, code, stderr);
            Assert.AreEqual(60, DatasetManifest.Load(dir).Splits.Values.Sum(s => s.Videos));
            Assert.IsTrue(File.Exists(Path.Combine(dir, SynthCommand.ReportMarkdownFile)));
            Assert.IsTrue(File.Exists(Path.Combine(dir, SynthCommand.ReportJsonFile)));
            StringAssert.Contains(stderr, "train: 40/40 videos");
            StringAssert.Contains(stdout, "| **All** |");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void Synth_SplitsVal_WritesOnlyValWithTheWholePresetsVideos()
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            string whole = Path.Combine(root, "whole"), val = Path.Combine(root, "val");
            Assert.AreEqual(Program.Success, Run("synth", "--preset", "tiny", "--seed", "3", "--out", whole).Code);
            var (code, _, stderr) = Run("synth", "--preset", "tiny", "--seed", "3", "--out", val, "--splits", "val");
            Assert.AreEqual(Program.Success, code, stderr);
            CollectionAssert.AreEqual(new[] { "val" }, DatasetManifest.Load(val).Splits.Keys.ToArray());
            StringAssert.Contains(stderr, "10 videos, 50 questions (val).");
            var (expected, actual) = (Rows(whole), Rows(val));
            CollectionAssert.AreEqual(expected, actual, string.Join("\n", expected.Zip(actual).Take(6)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void Synth_VideosPerShard_SameRowsAsOneFileInShardsThatTrainAndEvaluate()
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            string whole = Path.Combine(root, "whole"), sharded = Path.Combine(root, "sharded"), model = Path.Combine(root, "m.zip");
            Assert.AreEqual(Program.Success, Run("synth", "--preset", "tiny", "--seed", "3", "--out", whole).Code);
            var (code, _, stderr) = Run("synth", "--preset", "tiny", "--seed", "3", "--out", sharded, "--videos-per-shard", "4");
            Assert.AreEqual(Program.Success, code, stderr);

            var manifest = DatasetManifest.Load(sharded);
            CollectionAssert.AreEqual(new[] { 10, 3, 3 }, manifest.Splits.Values.Select(s => s.Shards.Count).ToArray(), "train 40, val 10, test 10 videos");
            CollectionAssert.AreEqual(Rows(whole), Rows(sharded));
            (code, _, stderr) = Run("train", "--data", sharded, "--out", model, "--epochs", "1", "--hidden-size", "8", "--device", "cpu");
            Assert.AreEqual(Program.Success, code, stderr);
            (code, var stdout, stderr) = Run("evaluate", "--model", model, "--data", sharded, "--split", "test");
            Assert.AreEqual(Program.Success, code, stderr);
            StringAssert.Contains(stdout, "| **All** ");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void Synth_VideosPerShardZero_UsageErrorAndNothingWritten()
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            string dir = Path.Combine(root, "x");
            var (code, _, stderr) = Run("synth", "--preset", "tiny", "--out", dir, "--videos-per-shard", "0");
            Assert.AreEqual(Program.UsageError, code);
            StringAssert.Contains(stderr, "--videos-per-shard must be at least 1; got 0.");
            Assert.IsFalse(Directory.Exists(dir));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public async Task Synth_CompressionNone_UncompressedTablesWithTheSameRows()
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            string snappy = Path.Combine(root, "snappy"), none = Path.Combine(root, "none");
            Assert.AreEqual(Program.Success, Run("synth", "--preset", "tiny", "--seed", "3", "--out", snappy, "--splits", "val").Code);
            var (code, _, stderr) = Run("synth", "--preset", "tiny", "--seed", "3", "--out", none, "--splits", "val", "--compression", "none");
            Assert.AreEqual(Program.Success, code, stderr);

            Assert.AreEqual(Parquet.Meta.CompressionCodec.UNCOMPRESSED, await VisualCodec(Path.Combine(none, "val.videos.parquet")));
            Assert.AreEqual(Parquet.Meta.CompressionCodec.SNAPPY, await VisualCodec(Path.Combine(snappy, "val.videos.parquet")));
            CollectionAssert.AreEqual(Rows(snappy), Rows(none));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void Synth_UnknownCompression_UsageErrorAndNothingWritten()
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            string dir = Path.Combine(root, "x");
            var (code, _, stderr) = Run("synth", "--preset", "tiny", "--out", dir, "--compression", "zip");
            Assert.AreEqual(Program.UsageError, code);
            StringAssert.Contains(stderr, "zip");
            Assert.IsFalse(Directory.Exists(dir));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<Parquet.Meta.CompressionCodec> VisualCodec(string path)
    {
        await using var reader = await Parquet.ParquetReader.CreateAsync(path);
        var visual = reader.Schema.GetDataFields().Single(f => f.Path.ToString().StartsWith("visual/", StringComparison.Ordinal));
        using var group = reader.OpenRowGroupReader(0);
        return group.GetMetadata(visual)!.MetaData!.Codec;
    }

    // Every val row as text: ids, question, answer and a checksum of each feature vector.
    private static string[] Rows(string directory)
    {
        var data = new MLContext(seed: 1).Data.LoadFromAvqaDataset(directory, "val");
        string[] text = [AvqaColumns.QuestionId, AvqaColumns.VideoId, AvqaColumns.Question, AvqaColumns.Answer];
        var rows = new List<string>();
        using var cursor = data.GetRowCursor(data.Schema);
        var getters = text.Select(c => cursor.GetGetter<ReadOnlyMemory<char>>(data.Schema[c])).ToArray();
        var features = new[] { AvqaColumns.Audio, AvqaColumns.Visual }.Select(c => cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(data.Schema[c])).ToArray();
        while (cursor.MoveNext())
        {
            var parts = getters.Select(g => { ReadOnlyMemory<char> value = default; g(ref value); return value.ToString(); }).ToList();
            foreach (var getter in features)
            {
                Microsoft.ML.Data.VBuffer<float> value = default;
                getter(ref value);
                parts.Add(value.DenseValues().Select((v, i) => v * (i % 97 + 1)).Sum().ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            }
            rows.Add(string.Join("|", parts));
        }
        return [.. rows];
    }

    [TestMethod]
    public void Synth_UnknownSplit_UsageErrorNamingTheSplitsAndNothingWritten()
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            string dir = Path.Combine(root, "x");
            var (code, _, stderr) = Run("synth", "--preset", "tiny", "--out", dir, "--splits", "train,dev");
            Assert.AreEqual(Program.UsageError, code);
            StringAssert.Contains(stderr, "no split 'dev'; it has train, val, test");
            Assert.IsFalse(Directory.Exists(dir));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void Synth_UnknownPreset_UsageErrorAndNothingWritten()
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            string dir = Path.Combine(root, "x");
            var (code, _, stderr) = Run("synth", "--preset", "huge", "--out", dir);
            Assert.AreEqual(Program.UsageError, code);
            StringAssert.Contains(stderr, "huge");
            Assert.IsFalse(Directory.Exists(dir));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void Synth_ExistingDirectory_FailsWithMessageAndNoStackTrace()
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            File.WriteAllText(Path.Combine(root, "keep.txt"), "x");
            var (code, _, stderr) = Run("synth", "--preset", "tiny", "--out", root);
            Assert.AreEqual(Program.Failure, code);
            StringAssert.StartsWith(stderr.Split('\n').Last(l => l.Length > 0), "error: ");
            Assert.DoesNotContain("   at ", stderr);
            Assert.HasCount(1, Directory.GetFileSystemEntries(root));
            Assert.HasCount(0, Directory.GetFileSystemEntries(Path.GetDirectoryName(root)!, "." + Path.GetFileName(root) + "*"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void Synth_MissingOutWithoutReportOnly_UsageError()
    {
        var (code, _, stderr) = Run("synth", "--preset", "tiny");
        Assert.AreEqual(Program.UsageError, code);
        StringAssert.Contains(stderr, "--out");
        var (ok, stdout, _) = Run("synth", "--preset", "tiny", "--report-only");
        Assert.AreEqual(Program.Success, ok);
        StringAssert.Contains(stdout, "Audio-Visual/Temporal");
    }
}
