using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Data;

[TestClass]
public sealed class VideoGroupPoolTests : TempDirectoryTest
{
    [TestMethod]
    public void Return_SmallerBudgetAfterALargerOne_KeepsUpToTheLargest()
    {
        // Cursors of different budgets run by turns (a pass that leased past its budget, then one that did not):
        // the pool keeps what the largest needs, so that neither makes the other allocate.
        using var reader = new VideoTableReader(Path.Combine(TestDatasets.Write(Root, videos: 12), "train.videos.parquet"), TestDatasets.Shape);
        var groups = Enumerable.Range(0, 4).Select(g =>
        {
            var group = new DecodedVideoGroup();
            reader.Load(g, audio: true, visual: true, group);
            return group;
        }).ToArray();
        long each = groups.Max(g => g.Bytes);
        var pool = new VideoGroupPool();

        pool.Return(groups[0], budget: 3 * each);
        pool.Return(groups[1], budget: each);
        pool.Return(groups[2], budget: each);
        pool.Return(groups[3], budget: each);

        Assert.AreEqual(3, pool.Count);
    }
}
