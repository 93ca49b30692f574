using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Tests.Training;

[TestClass]
public sealed class BatchPrefetchTests
{
    private static TrainingBatch[] Batches(int count) =>
        [.. Enumerable.Range(0, count).Select(_ => new TrainingBatch(capacity: 1, audioLength: 1, visualLength: 1, questionLength: 1, questionIsTokens: true))];

    // Fills batch k with label k, for k in 0..count−1 (or forever when count is null).
    private static IEnumerable<TrainingBatch> Numbered(Func<TrainingBatch> rent, int? count, Action? onEnd = null)
    {
        try
        {
            for (int k = 0; count is null || k < count; k++)
            {
                var batch = rent();
                batch.Labels[0] = k;
                batch.Count = 1;
                yield return batch;
            }
        }
        finally
        {
            onEnd?.Invoke();
        }
    }

    [TestMethod]
    public void Ahead_FiniteFill_YieldsEveryBatchInOrder()
    {
        var labels = BatchPrefetch.Ahead(Batches(2), rent => Numbered(rent, 50)).Select(b => b.Labels[0]).ToList();

        CollectionAssert.AreEqual(Enumerable.Range(0, 50).Select(k => (long)k).ToList(), labels);
    }

    [TestMethod]
    public void Ahead_SlowCaller_BatchInHandIsNeverRefilled()
    {
        int expected = 0;
        foreach (var batch in BatchPrefetch.Ahead(Batches(3), rent => Numbered(rent, 20)))
        {
            Thread.Sleep(5); // the filling thread runs ahead meanwhile
            Assert.AreEqual(expected++, batch.Labels[0]);
        }
        Assert.AreEqual(20, expected);
    }

    [TestMethod]
    public void Ahead_ManyBatches_UsesOnlyTheGivenBatchObjects()
    {
        var given = Batches(2);

        var seen = BatchPrefetch.Ahead(given, rent => Numbered(rent, 30)).Distinct().ToList();

        CollectionAssert.AreEquivalent(given, seen);
    }

    [TestMethod]
    public void Ahead_FillThrows_RethrowsTheSameExceptionAfterTheBatchesBeforeIt()
    {
        IEnumerable<TrainingBatch> Failing(Func<TrainingBatch> rent)
        {
            foreach (var batch in Numbered(rent, 3))
                yield return batch;
            throw new InvalidDataException("Column 'Visual', row 3: value 0 is NaN.");
        }
        var read = new List<long>();

        var e = Assert.ThrowsExactly<InvalidDataException>(() =>
        {
            foreach (var batch in BatchPrefetch.Ahead(Batches(2), Failing))
                read.Add(batch.Labels[0]);
        });

        Assert.AreEqual("Column 'Visual', row 3: value 0 is NaN.", e.Message);
        CollectionAssert.AreEqual(new long[] { 0, 1, 2 }, read);
        StringAssert.Contains(e.StackTrace, nameof(Ahead_FillThrows_RethrowsTheSameExceptionAfterTheBatchesBeforeIt), "the filling thread's stack is kept");
    }

    [TestMethod]
    public void Ahead_CallerStopsEarly_FillingThreadEndsBeforeReturn()
    {
        bool ended = false;

        foreach (var batch in BatchPrefetch.Ahead(Batches(2), rent => Numbered(rent, count: null, onEnd: () => ended = true)))
        {
            if (batch.Labels[0] == 3)
                break;
        }

        Assert.IsTrue(ended, "the endless fill was stopped and its cleanup (the cursor's Dispose) ran");
    }

    [TestMethod]
    public void Ahead_OneBatch_Refused()
    {
        Assert.ThrowsExactly<ArgumentException>(() => BatchPrefetch.Ahead(Batches(1), rent => Numbered(rent, 1)).ToList());
    }
}
