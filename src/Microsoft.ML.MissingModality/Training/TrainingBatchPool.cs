namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// The batches of one component's passes, allocated once and lent to each pass: a training pass and the validation
/// pass after it (which never overlap) share the same memory, and no pass allocates once the first has run.
/// </summary>
internal sealed class TrainingBatchPool(Func<TrainingBatch> create)
{
    private readonly object _gate = new();
    private readonly Stack<TrainingBatch> _free = new();

    /// <summary>Batches allocated so far (the most ever lent at once).</summary>
    public int Allocated { get; private set; }

    public TrainingBatch[] Rent(int count)
    {
        var batches = new TrainingBatch[count];
        lock (_gate)
        {
            for (int i = 0; i < count; i++)
            {
                if (_free.TryPop(out var batch))
                {
                    batches[i] = batch;
                }
                else
                {
                    batches[i] = create();
                    Allocated++;
                }
            }
        }
        return batches;
    }

    /// <summary>Drops the batches not lent out, so that their memory can be collected.</summary>
    public void Clear()
    {
        lock (_gate)
            _free.Clear();
    }

    /// <summary>Takes batches back; the rows they referenced in place are released (their contents are undefined from here).</summary>
    public void Return(IEnumerable<TrainingBatch> batches)
    {
        lock (_gate)
        {
            foreach (var batch in batches)
            {
                batch.ReleaseRows();
                _free.Push(batch);
            }
        }
    }
}
