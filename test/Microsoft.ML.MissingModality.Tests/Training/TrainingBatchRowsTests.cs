using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Tests.Training;

/// <summary>A batch that references its visual rows in place: what it holds, what reading <c>Visual</c> copies, and its leases.</summary>
[TestClass]
public sealed class TrainingBatchRowsTests
{
    private const int VisualLength = 3;

    private static TrainingBatch Batch() =>
        new(capacity: 4, audioLength: 1, visualLength: VisualLength, questionLength: 1, questionIsTokens: true, referenceVisualRows: true) { Count = 3 };

    // Row 0 referenced from a decoded array (at an offset), row 1 zeros, row 2 written into the batch's own array.
    private static (TrainingBatch Batch, DecodedVideoGroup Owner) Filled()
    {
        var batch = Batch();
        var owner = new DecodedVideoGroup();
        float[] decoded = [9, 9, 1, 2, 3, 9];
        owner.AddLease();
        batch.ReferenceVisualRow(0, decoded.AsMemory(2, VisualLength), owner);
        batch.ZeroVisualRow(1);
        float[] own = [7, 8, 9];
        own.CopyTo(batch.OwnVisualRow(2));
        return (batch, owner);
    }

    [TestMethod]
    public void VisualRows_MixedRows_EachRowsValuesWhereTheyAre()
    {
        var (batch, _) = Filled();

        var rows = batch.VisualRows!.Value;

        Assert.HasCount(3, rows);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3 }, rows[0].ToArray());
        CollectionAssert.AreEqual(new float[] { 0, 0, 0 }, rows[1].ToArray());
        CollectionAssert.AreEqual(new float[] { 7, 8, 9 }, rows[2].ToArray());
    }

    [TestMethod]
    public void Visual_ReferencedRows_CopiedIntoTheBatchWhenRead()
    {
        var (batch, _) = Filled();
        batch.OwnVisualRow(1).Fill(5); // a stale value in the batch's own slot...
        batch.ZeroVisualRow(1);        // ...where the zero row is referenced now

        var visual = batch.Visual;

        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 0, 0, 0, 7, 8, 9 }, visual.Take(3 * VisualLength).ToArray());
        CollectionAssert.AreEqual(visual.Take(3 * VisualLength).ToArray(), batch.VisualRows!.Value.SelectMany(r => r.ToArray()).ToArray(),
            "the rows now point at the copies");
    }

    [TestMethod]
    public void ReleaseRows_ReferencedRow_EndsTheLeaseAndForgetsTheRows()
    {
        var (batch, owner) = Filled();
        Assert.IsTrue(owner.IsLeased);

        batch.ReleaseRows();

        Assert.IsFalse(owner.IsLeased);
        Assert.IsTrue(batch.VisualRows!.Value.All(r => r.IsEmpty), "a released batch's rows are undefined, not stale");
        batch.ReleaseRows(); // nothing left to release
        Assert.IsFalse(owner.IsLeased);
    }

    [TestMethod]
    public void ReferenceVisualRow_CopyingBatch_Throws()
    {
        var batch = new TrainingBatch(capacity: 2, audioLength: 1, visualLength: VisualLength, questionLength: 1, questionIsTokens: true);

        var owner = new DecodedVideoGroup();
        owner.AddLease();

        Assert.IsNull(batch.VisualRows);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => batch.ReferenceVisualRow(0, new float[VisualLength], owner));
        StringAssert.Contains(e.Message, "copies its visual rows");
        Assert.IsFalse(owner.IsLeased, "the lease handed over is ended, not leaked");
    }

    [TestMethod]
    public void ReferenceVisualRow_WrongLength_Throws() =>
        Assert.ThrowsExactly<ArgumentException>(() => Batch().ReferenceVisualRow(0, new float[VisualLength + 1], new DecodedVideoGroup()));
}
