using Microsoft.ML.MissingModality.Data.Pages;

namespace Microsoft.ML.MissingModality.Tests.Data.Pages;

[TestClass]
public sealed class LevelRunsTests
{
    private static (byte Value, int Length)[] Runs(LevelRuns runs) =>
        Enumerable.Range(0, runs.Count).Select(i => (runs.Value(i), runs.Length(i))).ToArray();

    [TestMethod]
    public void AppendHybrid_RleRuns_KeepsRunsAndCountsMax()
    {
        var runs = new LevelRuns();

        long atMax = runs.AppendHybrid([0x0A, 0x00, 0x06, 0x01], levels: 8, max: 1); // 5 × 0, then 3 × 1

        CollectionAssert.AreEqual(new[] { ((byte)0, 5), ((byte)1, 3) }, Runs(runs));
        Assert.AreEqual(8L, runs.Levels);
        Assert.AreEqual(3L, atMax);
    }

    [TestMethod]
    public void AppendHybrid_BitPackedGroup_DecodesLowBitsFirstAndStopsAtLevelCount()
    {
        var runs = new LevelRuns();

        // One group of eight 2-bit values 0,1,2,3,3,2,1,0; only the first six are levels.
        long atMax = runs.AppendHybrid([0x03, 0xE4, 0x1B], levels: 6, max: 3);

        CollectionAssert.AreEqual(new[] { ((byte)0, 1), ((byte)1, 1), ((byte)2, 1), ((byte)3, 2), ((byte)2, 1) }, Runs(runs));
        Assert.AreEqual(2L, atMax);
    }

    [TestMethod]
    public void Add_EqualToLastRun_MergesAcrossPages()
    {
        var runs = new LevelRuns();
        runs.AppendHybrid([0x06, 0x02], levels: 3, max: 2);

        runs.AppendHybrid([0x08, 0x02], levels: 4, max: 2);

        CollectionAssert.AreEqual(new[] { ((byte)2, 7) }, Runs(runs));
    }

    [TestMethod]
    public void AppendHybrid_MaxZero_AddsZerosWithoutReading()
    {
        var runs = new LevelRuns();

        Assert.AreEqual(4L, runs.AppendHybrid([], levels: 4, max: 0));

        CollectionAssert.AreEqual(new[] { ((byte)0, 4) }, Runs(runs));
    }

    [TestMethod]
    [DataRow(new byte[] { 0x06, 0x02 }, 3, 1, DisplayName = "level above the maximum")]
    [DataRow(new byte[] { 0x0A }, 5, 1, DisplayName = "run value cut off")]
    [DataRow(new byte[] { 0x00, 0x01 }, 5, 1, DisplayName = "empty run")]
    [DataRow(new byte[] { 0x05, 0xFF }, 16, 1, DisplayName = "bit-packed groups cut off")]
    [DataRow(new byte[] { 0x06, 0x01 }, 5, 1, DisplayName = "fewer levels than the page says")]
    [DataRow(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, 5, 1, DisplayName = "run header too long")]
    public void AppendHybrid_Malformed_ThrowsInvalidData(byte[] bytes, int levels, int max)
    {
        Assert.ThrowsExactly<InvalidDataException>(() => new LevelRuns().AppendHybrid(bytes, levels, max));
    }

    [TestMethod]
    public void TakeAllEqual_AcrossRuns_ReportsWhetherEveryLevelMatches()
    {
        var runs = new LevelRuns();
        runs.Add(2, 3);
        runs.Add(1, 1);
        runs.Add(2, 2);
        var cursor = new LevelRunCursor(runs);

        Assert.IsTrue(cursor.TakeAllEqual(2, 2));
        Assert.IsFalse(cursor.TakeAllEqual(3, 2));
        Assert.IsTrue(cursor.TakeAllEqual(1, 2));
        Assert.IsTrue(cursor.AtEnd);
        Assert.IsFalse(cursor.TakeAllEqual(1, 2), "no levels left");
    }
}
