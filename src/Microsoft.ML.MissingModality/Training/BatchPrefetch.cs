using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// Fills batches on a background thread while the caller trains on the previous one: reading, decoding and copying
/// overlap with compute. The batches are a fixed set, reused: one in the caller's hands, the others being filled or
/// waiting, so memory does not grow with the data. Order and contents are exactly those of the serial fill.
/// </summary>
internal static class BatchPrefetch
{
    /// <summary>
    /// The batches <paramref name="fill"/> yields, filled on another thread. <paramref name="fill"/> receives a
    /// function that hands it a free batch (blocking until the caller has moved past one) and must take a new one for
    /// each batch it yields. A failure on the filling thread is rethrown here, with its original stack; leaving the
    /// loop early stops the filling thread before this returns.
    /// </summary>
    public static IEnumerable<TrainingBatch> Ahead(IReadOnlyList<TrainingBatch> batches, Func<Func<TrainingBatch>, IEnumerable<TrainingBatch>> fill)
    {
        if (batches.Count < 2)
            throw new ArgumentException("Prefetching needs at least two batches: one in use, one being filled.", nameof(batches));
        using var stop = new CancellationTokenSource();
        using var free = new BlockingCollection<TrainingBatch>(new ConcurrentQueue<TrainingBatch>(batches));
        using var filled = new BlockingCollection<TrainingBatch>(new ConcurrentQueue<TrainingBatch>(), batches.Count);
        ExceptionDispatchInfo? failure = null;
        var producer = new Thread(() =>
        {
            try
            {
                foreach (var batch in fill(() => free.Take(stop.Token)))
                    filled.Add(batch, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                filled.CompleteAdding();
            }
        }) { IsBackground = true, Name = "AVQA batch prefetch" };
        producer.Start();
        try
        {
            TrainingBatch? inUse = null;
            foreach (var batch in filled.GetConsumingEnumerable())
            {
                if (inUse is not null)
                    free.Add(inUse);
                inUse = batch;
                yield return batch;
            }
            producer.Join();
            failure?.Throw();
        }
        finally
        {
            stop.Cancel();
            producer.Join();
        }
    }
}
