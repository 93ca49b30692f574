using System.Text.Json.Nodes;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Data;

[TestClass]
public sealed class ShardedDatasetTests : TempDirectoryTest
{
    private static DatasetWriterOptions Sharded(int videosPerShard, bool overwrite = false) =>
        new() { VideoRowGroupSize = 3, QuestionRowGroupSize = 4, VideosPerShard = videosPerShard, Overwrite = overwrite };

    private string WriteSharded(int videos = 10, int perVideo = 3, int videosPerShard = 4) =>
        TestDatasets.Write(Path.Combine(Root, "sharded"), videos, perVideo, Sharded(videosPerShard));

    [TestMethod]
    public void Write_VideosPerShardFour_TenVideosInThreeShardsListedInTheManifest()
    {
        string dir = WriteSharded();

        var split = DatasetManifest.Load(dir).Splits["train"];

        CollectionAssert.AreEqual(new[]
        {
            new SplitShard("train.00000.videos.parquet", "train.00000.questions.parquet", 4, 12),
            new SplitShard("train.00001.videos.parquet", "train.00001.questions.parquet", 4, 12),
            new SplitShard("train.00002.videos.parquet", "train.00002.questions.parquet", 2, 6),
        }, split.Shards.ToArray());
        Assert.AreEqual(10L, split.Videos);
        Assert.AreEqual(30L, split.Questions);
        CollectionAssert.AreEquivalent(split.Files.Append(DatasetSchema.ManifestFileName).ToArray(), Directory.GetFiles(dir).Select(Path.GetFileName).ToArray());
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, DatasetSchema.ManifestFileName)))!["splits"]!["train"]!;
        Assert.IsNull(json["videosFile"], "a sharded split names its tables only in its shards");
        Assert.AreEqual(3, json["shards"]!.AsArray().Count);
    }

    [TestMethod]
    public void Write_NoShardOption_OneShardUnderTheSplitsOwnFileNames()
    {
        string dir = TestDatasets.Write(Root, videos: 5, perVideo: 2);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, DatasetSchema.ManifestFileName)))!["splits"]!["train"]!;

        Assert.AreEqual("train.videos.parquet", (string?)json["videosFile"]);
        Assert.IsNull(json["shards"]);
    }

    [TestMethod]
    public void LoadFromAvqaDataset_ShardedSplit_SameRowsInTheSameOrderAsUnsharded()
    {
        string whole = TestDatasets.Write(Path.Combine(Root, "whole"), videos: 10, perVideo: 3);
        string sharded = WriteSharded();
        var ml = new MLContext(1);

        var expected = DataViewReading.ReadAll(ml.Data.LoadFromAvqaDataset(whole, "train"));
        var actual = DataViewReading.ReadAll(ml.Data.LoadFromAvqaDataset(sharded, "train"));

        Assert.HasCount(30, actual);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.AreEqual(expected[i] with { Audio = [], Visual = [] }, actual[i] with { Audio = [], Visual = [] });
            CollectionAssert.AreEqual(expected[i].Audio, actual[i].Audio);
            CollectionAssert.AreEqual(expected[i].Visual, actual[i].Visual);
        }
    }

    [TestMethod]
    public void Shuffle_ShardedSplit_EveryRowOnceDeterministicAndNotInFileOrder()
    {
        string dir = WriteSharded(videos: 20, perVideo: 3);
        var ml = new MLContext(1);
        var fileOrder = DataViewReading.ReadIds(ml.Data.LoadFromAvqaDataset(dir, "train"));

        var a = DataViewReading.ReadIds(ml.Data.LoadFromAvqaDataset(dir, "train", new AvqaReaderOptions { Shuffle = true, Seed = 5 }));
        var b = DataViewReading.ReadIds(ml.Data.LoadFromAvqaDataset(dir, "train", new AvqaReaderOptions { Shuffle = true, Seed = 5 }));

        CollectionAssert.AreEquivalent(fileOrder, a);
        CollectionAssert.AreEqual(a, b);
        CollectionAssert.AreNotEqual(fileOrder, a);
        // Shards are read one after another: the first 12 rows come from one shard's four videos.
        Assert.HasCount(4, a.Take(12).Select(id => id.Split('-')[0]).Distinct().ToList());
        Assert.IsTrue(a.Take(12).Select(id => int.Parse(id[1..id.IndexOf('-')]) / 4).Distinct().Count() == 1);
    }

    [TestMethod]
    public void GetIdGetter_ShardedSplit_TheRowsPositionInTheSplit()
    {
        string dir = WriteSharded();
        var view = new MLContext(1).Data.LoadFromAvqaDataset(dir, "train");
        var ids = new List<ulong>();
        using (var cursor = view.GetRowCursor([]))
        {
            var getter = cursor.GetIdGetter();
            DataViewRowId id = default;
            while (cursor.MoveNext())
            {
                getter(ref id);
                ids.Add(id.Low);
            }
        }

        CollectionAssert.AreEqual(Enumerable.Range(0, 30).Select(i => (ulong)i).ToArray(), ids.ToArray());
    }

    [TestMethod]
    public void VideoCache_ShardedSplit_LoadsEachShardsGroupsOnceAndCountsThemAll()
    {
        // Shards of 4 videos in groups of 3: 2 + 2 + 1 groups.
        string dir = WriteSharded();
        var view = new MLContext(1).Data.LoadFromAvqaDataset(dir, "train");

        Assert.HasCount(30, DataViewReading.ReadAll(view));

        Assert.AreEqual(5, ((AvqaDataView)view).LastStatistics!.VideoGroupLoads);
    }

    [TestMethod]
    public void WriteQuestion_BeforeItsVideoInALaterShard_WaitsAndIsReadWithIt()
    {
        string dir = Path.Combine(Root, "ds");
        using (var writer = DatasetWriter.Create(dir, TestDatasets.Shape, Sharded(2)))
        {
            using var split = writer.BeginSplit("train");
            split.WriteQuestion(TestDatasets.Question(3, 0)); // video 3 comes in the second shard
            for (int v = 0; v < 4; v++)
                split.WriteVideo(TestDatasets.Video(v));
            split.WriteQuestion(TestDatasets.Question(0, 0));
            split.Complete();
            writer.Complete();
        }

        var shards = DatasetManifest.Load(dir).Splits["train"].Shards;
        CollectionAssert.AreEqual(new[] { 1L, 1L }, shards.Select(s => s.Questions).ToArray());
        var rows = DataViewReading.ReadAll(new MLContext(1).Data.LoadFromAvqaDataset(dir, "train"));
        Assert.AreEqual("q0-0", rows[0].QuestionId);
        Assert.AreEqual("q3-0", rows[1].QuestionId);
        CollectionAssert.AreEqual(TestDatasets.Audio(3), rows[1].Audio);
    }

    [TestMethod]
    public void Complete_ShardedQuestionWhoseVideoNeverCame_NamesTheQuestionAndLeavesNothing()
    {
        string dir = Path.Combine(Root, "ds");
        var writer = DatasetWriter.Create(dir, TestDatasets.Shape, Sharded(2));
        var split = writer.BeginSplit("train");
        split.WriteVideo(TestDatasets.Video(0));
        split.WriteQuestion(TestDatasets.Question(0, 0));
        split.WriteQuestion(TestDatasets.Question(7, 1));

        var e = Assert.ThrowsExactly<AvqaDataException>(split.Complete);
        writer.Dispose();

        StringAssert.Contains(e.Message, "split 'train', column 'video_id', row 1: Video 'v0007' of question 'q7-1' is not in the split.");
        Assert.IsFalse(Directory.Exists(dir));
        Assert.IsEmpty(Directory.GetFileSystemEntries(Root));
    }

    [TestMethod]
    public void LoadFromAvqaDataset_ShardsQuestionsSwapped_NamesTheQuestionAndTheShardsVideos()
    {
        string dir = WriteSharded(videos: 8);
        EditManifest(dir, train =>
        {
            var shards = train["shards"]!.AsArray();
            (shards[0]!["questionsFile"], shards[1]!["questionsFile"]) = ((string)shards[1]!["questionsFile"]!, (string)shards[0]!["questionsFile"]!);
        });

        var e = Assert.ThrowsExactly<AvqaDataException>(() => new MLContext(1).Data.LoadFromAvqaDataset(dir, "train"));

        StringAssert.Contains(e.Message, "train.00001.questions.parquet, column 'video_id', row 0: Video 'v0004' is not in train.00000.videos.parquet.");
    }

    [TestMethod]
    public void LoadManifest_ShardCountsNotTheSplits_NamesTheShards()
    {
        string dir = WriteSharded();
        EditManifest(dir, train => train["shards"]![2]!["questions"] = 5);

        var e = Assert.ThrowsExactly<AvqaDataException>(() => DatasetManifest.Load(dir));

        StringAssert.Contains(e.Message, "column 'splits.train.shards': The shards hold 10 videos and 29 questions; the split counts 10 and 30.");
    }

    [TestMethod]
    public void LoadManifest_OneFileInTwoShards_Rejected()
    {
        string dir = WriteSharded();
        EditManifest(dir, train => train["shards"]![1]!["videosFile"] = "train.00000.videos.parquet");

        var e = Assert.ThrowsExactly<AvqaDataException>(() => DatasetManifest.Load(dir));

        StringAssert.Contains(e.Message, "'train.00000.videos.parquet' is named twice");
    }

    [TestMethod]
    public void LoadManifest_SplitWithFilesAndShards_Rejected()
    {
        string dir = WriteSharded();
        EditManifest(dir, train => train["videosFile"] = "train.00000.videos.parquet");

        var e = Assert.ThrowsExactly<AvqaDataException>(() => DatasetManifest.Load(dir));

        StringAssert.Contains(e.Message, "either its 'videosFile' and 'questionsFile' or its 'shards', not both");
    }

    [TestMethod]
    public void LoadFromAvqaDataset_ShardRowCountWrong_NamesTheShardsField()
    {
        string dir = WriteSharded();
        EditManifest(dir, train =>
        {
            train["shards"]![1]!["questions"] = 11;
            train["shards"]![2]!["questions"] = 7;
        });

        var e = Assert.ThrowsExactly<AvqaDataException>(() => new MLContext(1).Data.LoadFromAvqaDataset(dir, "train"));

        StringAssert.Contains(e.Message, "column 'splits.train.shards[1].questions': The manifest counts 11 questions; train.00001.questions.parquet holds 12 rows.");
    }

    [TestMethod]
    public void AddSplits_ShardedSplitReplacesAWholeOne_OldTablesGone()
    {
        string dir = TestDatasets.Write(Root, videos: 6, perVideo: 2);

        using (var writer = DatasetWriter.AddSplits(dir, TestDatasets.Shape, Sharded(4, overwrite: true)))
        {
            using var split = writer.BeginSplit("train");
            for (int v = 0; v < 6; v++)
            {
                split.WriteVideo(TestDatasets.Video(v));
                split.WriteQuestion(TestDatasets.Question(v, 0));
            }
            split.Complete();
            writer.Complete();
        }

        var manifest = DatasetManifest.Load(dir);
        CollectionAssert.AreEquivalent(manifest.Splits["train"].Files.Append(DatasetSchema.ManifestFileName).ToArray(), Directory.GetFiles(dir).Select(Path.GetFileName).ToArray());
        Assert.HasCount(6, DataViewReading.ReadIds(new MLContext(1).Data.LoadFromAvqaDataset(dir, "train")));
    }

    [TestMethod]
    public void AddSplits_ShardedSplitBesideAWholeSplitNamedLikeItsShard_BothKeepTheirRows()
    {
        string dir = Path.Combine(Root, "ds");
        void Write(DatasetWriter writer, string name, int first)
        {
            using var split = writer.BeginSplit(name);
            for (int v = first; v < first + 3; v++)
            {
                split.WriteVideo(TestDatasets.Video(v));
                split.WriteQuestion(TestDatasets.Question(v, 0));
            }
            split.Complete();
        }
        using (var whole = DatasetWriter.Create(dir, TestDatasets.Shape))
        {
            Write(whole, "a-00000", 10);
            whole.Complete();
        }
        using (var sharded = DatasetWriter.AddSplits(dir, TestDatasets.Shape, Sharded(2)))
        {
            Write(sharded, "a", 0);
            sharded.Complete();
        }

        var ml = new MLContext(1);
        CollectionAssert.AreEqual(new[] { "q0-0", "q1-0", "q2-0" }, DataViewReading.ReadIds(ml.Data.LoadFromAvqaDataset(dir, "a")));
        CollectionAssert.AreEqual(new[] { "q10-0", "q11-0", "q12-0" }, DataViewReading.ReadIds(ml.Data.LoadFromAvqaDataset(dir, "a-00000")));
    }

    [TestMethod]
    public void WriteVideo_RejectedWhenTheShardIsFull_NamesTheNextShardAndLeavesNoEmptyShard()
    {
        string dir = Path.Combine(Root, "ds");
        using (var writer = DatasetWriter.Create(dir, TestDatasets.Shape, Sharded(2)))
        {
            using var split = writer.BeginSplit("train");
            split.WriteVideo(TestDatasets.Video(0));
            split.WriteVideo(TestDatasets.Video(1));

            var e = Assert.ThrowsExactly<AvqaDataException>(() => split.WriteVideo(TestDatasets.Video(0)));

            StringAssert.StartsWith(e.Message, "train.00001.videos.parquet, column 'video_id', row 0: Duplicate video id 'v0000' (first written in train.00000.videos.parquet at row 0).");
            split.WriteVideo(TestDatasets.Video(2));
            split.Complete();
            writer.Complete();
        }

        CollectionAssert.AreEqual(new[] { 2L, 1L }, DatasetManifest.Load(dir).Splits["train"].Shards.Select(s => s.Videos).ToArray());
    }

    [TestMethod]
    public void AddSplits_AFileNoSplitNamesHasANewShardsName_RefusedAndTheFileKept()
    {
        string dir = TestDatasets.Write(Root, videos: 3, perVideo: 1);
        string stray = Path.Combine(dir, "val.00000.videos.parquet");
        File.WriteAllText(stray, "the user's own file");
        var writer = DatasetWriter.AddSplits(dir, TestDatasets.Shape, Sharded(2));
        using (var split = writer.BeginSplit("val"))
        {
            split.WriteVideo(TestDatasets.Video(10));
            split.WriteQuestion(TestDatasets.Question(10, 0));
            split.Complete();
        }

        var e = Assert.ThrowsExactly<OutputExistsException>(() => writer.Complete());
        writer.Dispose();

        StringAssert.Contains(e.Message, "'val.00000.videos.parquet' already exists");
        Assert.AreEqual("the user's own file", File.ReadAllText(stray));
        CollectionAssert.AreEqual(new[] { "train" }, DatasetManifest.Load(dir).Splits.Keys.ToArray());
        Assert.IsFalse(File.Exists(Path.Combine(dir, "val.00000.questions.parquet")));
    }

    [TestMethod]
    public void MoveNext_ALaterShardGoneMidPass_OneErrorNamingItThenTheCursorEnds()
    {
        string dir = WriteSharded();
        var view = new MLContext(1).Data.LoadFromAvqaDataset(dir, "train");
        File.Delete(Path.Combine(dir, "train.00001.questions.parquet"));
        using var cursor = view.GetRowCursor(view.Schema);
        int rows = 0;

        var e = Assert.Throws<Exception>(() => { while (cursor.MoveNext()) rows++; });

        StringAssert.Contains(e.Message, "train.00001.questions.parquet");
        Assert.AreEqual(12, rows, "the first shard's rows were read");
        Assert.IsFalse(cursor.MoveNext());
    }

    [TestMethod]
    public void AddSplits_WholeSplitReplacesAShardedOne_ShardTablesGone()
    {
        string dir = WriteSharded(videos: 6, perVideo: 1);

        using (var writer = DatasetWriter.AddSplits(dir, TestDatasets.Shape, new DatasetWriterOptions { Overwrite = true }))
        {
            using var split = writer.BeginSplit("train");
            split.WriteVideo(TestDatasets.Video(7));
            split.WriteQuestion(TestDatasets.Question(7, 0));
            split.Complete();
            writer.Complete();
        }

        CollectionAssert.AreEquivalent(new[] { "train.videos.parquet", "train.questions.parquet", DatasetSchema.ManifestFileName },
            Directory.GetFiles(dir).Select(Path.GetFileName).ToArray());
        CollectionAssert.AreEqual(new[] { "q7-0" }, DataViewReading.ReadIds(new MLContext(1).Data.LoadFromAvqaDataset(dir, "train")));
    }

    [TestMethod]
    public void DatasetWriterOptions_VideosPerShardZero_Rejected() =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => DatasetWriter.Create(Path.Combine(Root, "ds"), TestDatasets.Shape, Sharded(0)));

    private static void EditManifest(string dir, Action<JsonNode> editTrain)
    {
        string path = Path.Combine(dir, DatasetSchema.ManifestFileName);
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        editTrain(root["splits"]!["train"]!);
        File.WriteAllText(path, root.ToJsonString());
    }
}
