using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Data;

[TestClass]
public sealed class DatasetWriterTests : TempDirectoryTest
{
    private static void AssertLocated(AvqaDataException e, string file, string column, long row)
    {
        Assert.AreEqual(file, e.File);
        Assert.AreEqual(column, e.Column);
        Assert.AreEqual(row, e.Row);
        StringAssert.Contains(e.Message, file);
        StringAssert.Contains(e.Message, $"column '{column}'");
        StringAssert.Contains(e.Message, $"row {row}");
    }

    private AvqaDataException FailWriting(Action<DatasetSplitWriter> write)
    {
        using var writer = DatasetWriter.Create(Path.Combine(Root, "ds"), TestDatasets.Shape);
        using var split = writer.BeginSplit("train");
        split.WriteVideo(TestDatasets.Video(0));
        split.WriteQuestion(TestDatasets.Question(0, 0));
        return Assert.ThrowsExactly<AvqaDataException>(() => write(split));
    }

    [TestMethod]
    public void Complete_WritesManifestWithCountsPerType()
    {
        string dir = TestDatasets.Write(Root, videos: 6, perVideo: 3);

        var manifest = DatasetManifest.Load(dir);

        Assert.AreEqual(DatasetSchema.Version, manifest.SchemaVersion);
        Assert.AreEqual(TestDatasets.Shape, manifest.Shape);
        var split = manifest.Splits["train"];
        Assert.AreEqual(new SplitShard("train.videos.parquet", "train.questions.parquet", 6, 18), split.Shards.Single());
        Assert.AreEqual(6L, split.Videos);
        Assert.AreEqual(18L, split.Questions);
        Assert.AreEqual(2L, split.VideosMissingAudio);
        Assert.AreEqual(2L, split.VideosMissingVisual);
        Assert.AreEqual(18L, split.QuestionTypes.Values.Sum());
        Assert.HasCount(9, split.QuestionTypes);
        Assert.AreEqual(1L, split.QuestionTypes["Audio/Counting"]); // (v + k) % 9 == 0 only for v = 0, k = 0
        CollectionAssert.AreEquivalent(new[] { "dataset.json", "train.videos.parquet", "train.questions.parquet" },
            Directory.GetFiles(dir).Select(Path.GetFileName).ToArray());
        Assert.HasCount(1, Directory.GetFileSystemEntries(Root)); // no temporary folder left beside it
    }

    [TestMethod]
    public void Dispose_WithoutComplete_LeavesNothing()
    {
        using (var writer = DatasetWriter.Create(Path.Combine(Root, "ds"), TestDatasets.Shape))
        {
            var split = writer.BeginSplit("train");
            split.WriteVideo(TestDatasets.Video(0));
            // no Complete: an exception would get here the same way
        }

        Assert.IsEmpty(Directory.GetFileSystemEntries(Root));
    }

    [TestMethod]
    public void FailureMidWrite_LeavesNothing()
    {
        Assert.ThrowsExactly<AvqaDataException>(() =>
        {
            using var writer = DatasetWriter.Create(Path.Combine(Root, "ds"), TestDatasets.Shape, new DatasetWriterOptions { VideoRowGroupSize = 2 });
            using var split = writer.BeginSplit("train");
            for (int v = 0; v < 5; v++)
                split.WriteVideo(TestDatasets.Video(v));
            split.WriteVideo(new VideoFeatures("bad", new float[3], null));
        });

        Assert.IsEmpty(Directory.GetFileSystemEntries(Root));
    }

    [TestMethod]
    public void Create_ExistingDataset_RefusesAndKeepsIt()
    {
        string dir = TestDatasets.Write(Root, videos: 2, perVideo: 1);
        string before = File.ReadAllText(Path.Combine(dir, "dataset.json"));

        Assert.ThrowsExactly<OutputExistsException>(() => DatasetWriter.Create(dir, TestDatasets.Shape));

        Assert.AreEqual(before, File.ReadAllText(Path.Combine(dir, "dataset.json")));
        Assert.HasCount(1, Directory.GetFileSystemEntries(Root));
    }

    [TestMethod]
    public void Create_ExistingDatasetWithOverwrite_ReplacesIt()
    {
        TestDatasets.Write(Root, videos: 2, perVideo: 1);

        string dir = TestDatasets.Write(Root, videos: 3, perVideo: 2, new DatasetWriterOptions { Overwrite = true });

        Assert.AreEqual(6L, DatasetManifest.Load(dir).Splits["train"].Questions);
        Assert.HasCount(1, Directory.GetFileSystemEntries(Root));
    }

    [TestMethod]
    public void WriteVideo_WrongAudioLength_NamesFileColumnRow()
    {
        var e = FailWriting(s => s.WriteVideo(new VideoFeatures("v9", new float[7], null)));
        AssertLocated(e, "train.videos.parquet", "audio", 1);
        StringAssert.Contains(e.Message, "expected 8 values");
    }

    [TestMethod]
    public void WriteVideo_NaN_NamesFileColumnRow()
    {
        var visual = TestDatasets.Visual(9);
        visual[17] = float.NaN;
        var e = FailWriting(s => s.WriteVideo(new VideoFeatures("v9", null, visual)));
        AssertLocated(e, "train.videos.parquet", "visual", 1);
        StringAssert.Contains(e.Message, "NaN");
    }

    [TestMethod]
    public void WriteVideo_Infinity_NamesFileColumnRow()
    {
        var audio = TestDatasets.Audio(9);
        audio[3] = float.PositiveInfinity;
        var e = FailWriting(s => s.WriteVideo(new VideoFeatures("v9", audio, null)));
        AssertLocated(e, "train.videos.parquet", "audio", 1);
    }

    [TestMethod]
    public void WriteVideo_DuplicateId_NamesFileColumnRow()
    {
        var e = FailWriting(s => s.WriteVideo(TestDatasets.Video(0)));
        AssertLocated(e, "train.videos.parquet", "video_id", 1);
        StringAssert.Contains(e.Message, "Duplicate");
    }

    [TestMethod]
    public void WriteQuestion_DuplicateId_NamesFileColumnRow()
    {
        var e = FailWriting(s => s.WriteQuestion(TestDatasets.Question(0, 0)));
        AssertLocated(e, "train.questions.parquet", "question_id", 1);
        StringAssert.Contains(e.Message, "Duplicate question id 'q0-0'");
    }

    [TestMethod]
    public void Complete_QuestionOfUnknownVideo_NamesFileColumnRow()
    {
        var e = FailWriting(s =>
        {
            s.WriteQuestion(TestDatasets.Question(5, 0));
            s.Complete();
        });
        AssertLocated(e, "train.questions.parquet", "video_id", 1);
    }
}
