using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Data.Pages;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Data.Pages;

/// <summary>
/// Reads around the page cache: the same bytes and rows as through it. Where the system or the temp folder's file
/// system does not allow such reads (not Linux, tmpfs), the tests that need them are inconclusive.
/// </summary>
[TestClass]
public sealed class DirectReadsTests : TempDirectoryTest
{
    private static void RequireDirectReads(string path)
    {
        using var handle = DirectReads.TryOpen(path);
        if (handle is null)
            Assert.Inconclusive("This system or file system does not allow reads around the page cache.");
    }

    [TestMethod]
    [DataRow(0, 10, DisplayName = "start of the file")]
    [DataRow(5, 10, DisplayName = "inside a block")]
    [DataRow(4090, 20, DisplayName = "across a block boundary")]
    [DataRow(3 * 4096 + 93, 7, DisplayName = "the last bytes")]
    [DataRow(1, 3 * 4096 + 99, DisplayName = "nearly all of it")]
    public void TryRead_UnalignedRange_ReturnsTheFilesBytes(int offset, int length)
    {
        var content = Enumerable.Range(0, 3 * 4096 + 100).Select(i => (byte)(i * 7 + i / 256)).ToArray();
        string path = Path.Combine(Root, "bytes.bin");
        File.WriteAllBytes(path, content);
        RequireDirectReads(path);
        using var handle = DirectReads.TryOpen(path)!;

        var bytes = DirectReads.TryRead(handle, offset, length, new DecodeScratch(), out bool refused);

        Assert.IsFalse(refused);
        CollectionAssert.AreEqual(content.AsSpan(offset, length).ToArray(), bytes.ToArray());
    }

    [TestMethod]
    public void LoadFromAvqaDataset_DirectReads_SameRowsAsThroughTheCache()
    {
        string dir = TestDatasets.Write(Root, videos: 12, perVideo: 2);
        RequireDirectReads(Path.Combine(dir, "train.videos.parquet"));
        var ml = new MLContext(1);
        var direct = ml.Data.LoadFromAvqaDataset(dir, "train", new AvqaReaderOptions { DirectReads = true, Shuffle = true, Seed = 3 });
        var cached = ml.Data.LoadFromAvqaDataset(dir, "train", new AvqaReaderOptions { DirectReads = false, Shuffle = true, Seed = 3 });

        var directRows = DataViewReading.ReadAll(direct);
        var cachedRows = DataViewReading.ReadAll(cached);

        Assert.IsTrue(((AvqaDataView)direct).LastStatistics!.DirectReads);
        Assert.IsFalse(((AvqaDataView)cached).LastStatistics!.DirectReads);
        Assert.HasCount(cachedRows.Count, directRows);
        for (int r = 0; r < cachedRows.Count; r++)
        {
            Assert.AreEqual(cachedRows[r].QuestionId, directRows[r].QuestionId);
            CollectionAssert.AreEqual(cachedRows[r].Audio, directRows[r].Audio);
            CollectionAssert.AreEqual(cachedRows[r].Visual, directRows[r].Visual);
        }
    }

    [TestMethod]
    public void LoadFromAvqaDataset_SmallSplitByDefault_ReadsThroughTheCache()
    {
        string dir = TestDatasets.Write(Root, videos: 4, perVideo: 1);

        var view = (AvqaDataView)new MLContext(1).Data.LoadFromAvqaDataset(dir, "train");

        Assert.IsFalse(view.DirectReads, "a split far smaller than memory stays in the page cache");
    }
}
