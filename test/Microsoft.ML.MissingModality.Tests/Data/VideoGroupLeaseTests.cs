using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Data;

/// <summary>
/// A decoded group leased to a batch that reads its rows in place is never decoded into again: the cache keeps it
/// past its budget, the pool passes it over, and the reader refuses it, until the lease ends.
/// </summary>
[TestClass]
public sealed class VideoGroupLeaseTests : TempDirectoryTest
{
    // 12 videos in four row groups of three.
    private VideoTableReader Reader() =>
        new(Path.Combine(TestDatasets.Write(Root, videos: 12), "train.videos.parquet"), TestDatasets.Shape);

    [TestMethod]
    public void Get_LeasedGroupPastTheBudget_KeptWithItsValuesUntilReleased()
    {
        using var reader = Reader();
        var cache = new VideoGroupCache(reader, audio: true, visual: true, maxBytes: 1); // room for the group in use only
        var first = cache.Get(0);
        first.AddLease();
        var row = first.Visual.RowMemory(0, TestDatasets.Shape.VisualLength);

        var second = cache.Get(1);
        cache.Get(2);

        Assert.AreNotSame(first, second, "the leased group's buffers were not taken for the next group");
        Assert.AreEqual(0, first.Group);
        CollectionAssert.AreEqual(TestDatasets.Visual(0), row.ToArray());
        Assert.AreEqual(2, cache.Count, "the leased group and the group in use");

        first.ReleaseLease();
        cache.Get(3);
        cache.Get(1);

        Assert.AreEqual(1, cache.Count);
        Assert.IsTrue(first.Group is 3 or 1, $"released, its buffers were refilled (group {first.Group})");
    }

    [TestMethod]
    public void Load_LeasedTarget_Throws()
    {
        using var reader = Reader();
        var group = new DecodedVideoGroup();
        reader.Load(0, audio: true, visual: true, group);
        group.AddLease();

        Assert.ThrowsExactly<InvalidOperationException>(() => reader.Load(1, audio: true, visual: true, group));
        Assert.AreEqual(0, group.Group);
    }

    [TestMethod]
    public void TakeAny_LeasedGroup_PassedOverUntilReleased()
    {
        using var reader = Reader();
        var pool = new VideoGroupPool();
        var group = new DecodedVideoGroup();
        reader.Load(0, audio: true, visual: true, group);
        group.AddLease();
        pool.Return(group, budget: long.MaxValue);

        Assert.IsNull(pool.TakeAny(wantBytes: 1, maxBytes: long.MaxValue));
        group.ReleaseLease();
        Assert.AreSame(group, pool.TakeAny(wantBytes: 1, maxBytes: long.MaxValue));
    }

    [TestMethod]
    public void ReleaseLease_MoreThanLeased_Throws()
    {
        var group = new DecodedVideoGroup();
        group.AddLease();
        group.ReleaseLease();

        Assert.IsFalse(group.IsLeased);
        Assert.ThrowsExactly<InvalidOperationException>(group.ReleaseLease);
    }
}
