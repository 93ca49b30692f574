using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Data;

[TestClass]
public sealed class AvqaDataViewTests : TempDirectoryTest
{
    [TestMethod]
    public void LoadFromAvqaDataset_RoundTrip_ValuesEqualAndMissingIsZeroWithFlag()
    {
        string dir = TestDatasets.Write(Root, videos: 10, perVideo: 3);
        var view = new MLContext(1).Data.LoadFromAvqaDataset(dir, "train");

        var rows = DataViewReading.ReadAll(view);

        Assert.HasCount(30, rows);
        Assert.AreEqual(30L, view.GetRowCount());
        for (int v = 0; v < 10; v++)
        {
            for (int k = 0; k < 3; k++)
            {
                var row = rows[v * 3 + k];
                var q = TestDatasets.Question(v, k);
                Assert.AreEqual(q.QuestionId, row.QuestionId);
                Assert.AreEqual(q.VideoId, row.VideoId);
                Assert.AreEqual(q.Question, row.Question);
                Assert.AreEqual(q.Type.ToString(), row.Type);
                Assert.AreEqual(q.Template, row.Template);
                Assert.AreEqual(q.Answer, row.Answer);
                Assert.AreEqual(v % 3 == 1, row.AudioMissing);
                Assert.AreEqual(v % 3 == 2, row.VisualMissing);
                CollectionAssert.AreEqual(v % 3 == 1 ? new float[8] : TestDatasets.Audio(v), row.Audio);
                CollectionAssert.AreEqual(v % 3 == 2 ? new float[24] : TestDatasets.Visual(v), row.Visual);
            }
        }
    }

    [TestMethod]
    public void Schema_VectorColumns_HaveKnownSizeAndShapeDimensions()
    {
        string dir = TestDatasets.Write(Root, videos: 2, perVideo: 1);
        var schema = new MLContext(1).Data.LoadFromAvqaDataset(dir, "train").Schema;

        CollectionAssert.AreEqual(AvqaColumns.All.ToArray(), schema.Select(c => c.Name).ToArray());
        var audio = (VectorDataViewType)schema[AvqaColumns.Audio].Type;
        var visual = (VectorDataViewType)schema[AvqaColumns.Visual].Type;
        CollectionAssert.AreEqual(new[] { 2, 4 }, audio.Dimensions.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 3, 2, 2 }, visual.Dimensions.ToArray());
        Assert.AreEqual(24, visual.Size);
        Assert.AreEqual(BooleanDataViewType.Instance, schema[AvqaColumns.AudioMissing].Type);
    }

    [TestMethod]
    public void GetRowCursor_OnlyTextColumnsActive_NeverReadsVideosTable()
    {
        string dir = TestDatasets.Write(Root, videos: 4, perVideo: 2);
        var view = new MLContext(1).Data.LoadFromAvqaDataset(dir, "train");

        Assert.HasCount(8, DataViewReading.ReadIds(view));

        var stats = ((AvqaDataView)view).LastStatistics!;
        CollectionAssert.AreEquivalent(new[] { "question_id" }, stats.ColumnsRead.ToArray());
        Assert.AreEqual(0, stats.VideoGroupLoads);
    }

    [TestMethod]
    public void GetRowCursor_AudioActiveOnly_NeverDecodesVisual()
    {
        string dir = TestDatasets.Write(Root, videos: 4, perVideo: 2);
        var view = new MLContext(1).Data.LoadFromAvqaDataset(dir, "train");
        using (var cursor = view.GetRowCursor([view.Schema[AvqaColumns.Audio]]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(view.Schema[AvqaColumns.Audio]);
            VBuffer<float> audio = default;
            while (cursor.MoveNext())
                getter(ref audio);
            Assert.IsFalse(cursor.IsColumnActive(view.Schema[AvqaColumns.Visual]));
            Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(view.Schema[AvqaColumns.Visual]));
        }

        var stats = ((AvqaDataView)view).LastStatistics!;
        CollectionAssert.AreEquivalent(new[] { "video_id", "audio" }, stats.ColumnsRead.ToArray());
    }

    [TestMethod]
    public void Shuffle_SameSeed_SameOrderAndAPermutation()
    {
        string dir = TestDatasets.Write(Root, videos: 12, perVideo: 3);
        var ml = new MLContext(1);
        var inOrder = DataViewReading.ReadIds(ml.Data.LoadFromAvqaDataset(dir, "train"));
        var a = DataViewReading.ReadIds(ml.Data.LoadFromAvqaDataset(dir, "train", new AvqaReaderOptions { Shuffle = true, Seed = 7 }));
        var b = DataViewReading.ReadIds(ml.Data.LoadFromAvqaDataset(dir, "train", new AvqaReaderOptions { Shuffle = true, Seed = 7 }));
        var c = DataViewReading.ReadIds(ml.Data.LoadFromAvqaDataset(dir, "train", new AvqaReaderOptions { Shuffle = true, Seed = 8 }));

        CollectionAssert.AreEqual(a, b);
        CollectionAssert.AreNotEqual(inOrder, a);
        CollectionAssert.AreNotEqual(a, c);
        CollectionAssert.AreEquivalent(inOrder, a);
        CollectionAssert.AreEquivalent(inOrder, c);
    }

    [TestMethod]
    public void Shuffle_SuccessiveCursors_DifferButAreDeterministic()
    {
        string dir = TestDatasets.Write(Root, videos: 12, perVideo: 3);
        var ml = new MLContext(1);
        var options = new AvqaReaderOptions { Shuffle = true, Seed = 3 };
        var view1 = ml.Data.LoadFromAvqaDataset(dir, "train", options);
        var view2 = ml.Data.LoadFromAvqaDataset(dir, "train", options);
        var epoch1 = DataViewReading.ReadIds(view1);
        var epoch2 = DataViewReading.ReadIds(view1);

        CollectionAssert.AreNotEqual(epoch1, epoch2);
        CollectionAssert.AreEqual(epoch1, DataViewReading.ReadIds(view2));
        CollectionAssert.AreEqual(epoch2, DataViewReading.ReadIds(view2));
    }

    [TestMethod]
    public void VideoCache_SmallBudget_HoldsOneGroupAndStillReadsCorrectly()
    {
        // 12 videos in row groups of 3 (4 groups of 3 × 32 floats = 384 bytes each); a 500-byte budget holds one group.
        string dir = TestDatasets.Write(Root, videos: 12, perVideo: 2);
        var ml = new MLContext(1);
        var view = ml.Data.LoadFromAvqaDataset(dir, "train", new AvqaReaderOptions { Shuffle = true, Seed = 1, VideoCacheBytes = 500 });

        var rows = DataViewReading.ReadAll(view);

        var stats = ((AvqaDataView)view).LastStatistics!;
        Assert.AreEqual(1, stats.PeakCachedGroups);
        Assert.IsLessThanOrEqualTo(500L, stats.PeakCacheBytes);
        foreach (var row in rows)
        {
            int v = int.Parse(row.VideoId[1..]);
            CollectionAssert.AreEqual(v % 3 == 1 ? new float[8] : TestDatasets.Audio(v), row.Audio);
        }
    }

    [TestMethod]
    public void VideoCache_LargeBudget_LoadsEachGroupOnce()
    {
        string dir = TestDatasets.Write(Root, videos: 12, perVideo: 2);
        var view = new MLContext(1).Data.LoadFromAvqaDataset(dir, "train", new AvqaReaderOptions { Shuffle = true, Seed = 1 });

        DataViewReading.ReadAll(view);

        var stats = ((AvqaDataView)view).LastStatistics!;
        Assert.AreEqual(4, stats.VideoGroupLoads);
    }

    [TestMethod]
    public void VideoCache_SecondCursorOfTheSameView_ReusesTheDecodedGroups()
    {
        string dir = TestDatasets.Write(Root, videos: 12, perVideo: 2);
        var view = new MLContext(1).Data.LoadFromAvqaDataset(dir, "train", new AvqaReaderOptions { Shuffle = true, Seed = 1 });

        var first = DataViewReading.ReadAll(view);
        var second = DataViewReading.ReadAll(view);

        Assert.AreEqual(0, ((AvqaDataView)view).LastStatistics!.VideoGroupLoads, "all four groups came from the first cursor");
        Assert.HasCount(first.Count, second);
        foreach (var row in second)
        {
            int v = int.Parse(row.VideoId[1..]);
            CollectionAssert.AreEqual(v % 3 == 1 ? new float[8] : TestDatasets.Audio(v), row.Audio);
            CollectionAssert.AreEqual(v % 3 == 2 ? new float[24] : TestDatasets.Visual(v), row.Visual);
        }
    }

    [TestMethod]
    public void VideoCache_DatasetRewrittenInPlace_ReadsTheNewValuesNotPooledOnes()
    {
        string dir = TestDatasets.Write(Root, videos: 6, perVideo: 1);
        var context = new MLContext(1);
        DataViewReading.ReadAll(context.Data.LoadFromAvqaDataset(dir, "train")); // its decoded groups go to the pool
        using (var writer = DatasetWriter.Create(dir, TestDatasets.Shape, new DatasetWriterOptions { VideoRowGroupSize = 3, Overwrite = true }))
        {
            using (var split = writer.BeginSplit("train"))
            {
                for (int v = 0; v < 6; v++)
                {
                    split.WriteVideo(new VideoFeatures(TestDatasets.VideoId(v), TestDatasets.Audio(v + 50), TestDatasets.Visual(v + 50)));
                    split.WriteQuestion(TestDatasets.Question(v, 0));
                }
                split.Complete();
            }
            writer.Complete();
        }

        var rows = DataViewReading.ReadAll(context.Data.LoadFromAvqaDataset(dir, "train"));

        foreach (var row in rows)
            CollectionAssert.AreEqual(TestDatasets.Audio(int.Parse(row.VideoId[1..]) + 50), row.Audio);
    }

    [TestMethod]
    public void VideoCache_SecondCursorReadsOtherColumns_DecodesAgain()
    {
        string dir = TestDatasets.Write(Root, videos: 12, perVideo: 2);
        var view = new MLContext(1).Data.LoadFromAvqaDataset(dir, "train");
        using (var audioOnly = view.GetRowCursor([view.Schema[AvqaColumns.Audio]]))
            while (audioOnly.MoveNext()) { }

        var rows = DataViewReading.ReadAll(view);

        Assert.AreEqual(4, ((AvqaDataView)view).LastStatistics!.VideoGroupLoads);
        foreach (var row in rows)
        {
            int v = int.Parse(row.VideoId[1..]);
            CollectionAssert.AreEqual(v % 3 == 2 ? new float[24] : TestDatasets.Visual(v), row.Visual);
        }
    }

    [TestMethod]
    public void VideoCache_SmallBudgetOverManyCursors_StaysCorrectAndHoldsOneGroup()
    {
        string dir = TestDatasets.Write(Root, videos: 12, perVideo: 2);
        var view = new MLContext(1).Data.LoadFromAvqaDataset(dir, "train", new AvqaReaderOptions { Shuffle = true, Seed = 1, VideoCacheBytes = 500 });

        for (int pass = 0; pass < 3; pass++)
        {
            foreach (var row in DataViewReading.ReadAll(view))
            {
                int v = int.Parse(row.VideoId[1..]);
                CollectionAssert.AreEqual(v % 3 == 1 ? new float[8] : TestDatasets.Audio(v), row.Audio, $"pass {pass}");
            }
            Assert.AreEqual(1, ((AvqaDataView)view).LastStatistics!.PeakCachedGroups);
        }
    }

    [TestMethod]
    public void LoadFromAvqaDataset_UnknownSplit_NamesManifestAndSplits()
    {
        string dir = TestDatasets.Write(Root, videos: 1, perVideo: 1);

        var e = Assert.ThrowsExactly<AvqaDataException>(() => new MLContext(1).Data.LoadFromAvqaDataset(dir, "val"));

        StringAssert.Contains(e.Message, "dataset.json");
        StringAssert.Contains(e.Message, "train");
    }
}
