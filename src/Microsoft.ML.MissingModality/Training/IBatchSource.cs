namespace Microsoft.ML.MissingModality.Training;

/// <summary>Produces the batches of one pass over a data set; the loop never sees where they come from.</summary>
internal interface IBatchSource
{
    /// <summary>
    /// The batches of one pass; <paramref name="epoch"/> seeds the row order where the source shuffles. The same
    /// <see cref="TrainingBatch"/> object may be yielded again, refilled: consume each before moving on.
    /// </summary>
    IEnumerable<TrainingBatch> ReadEpoch(int epoch);

    /// <summary>Drops the batches kept for the next pass (a training run has ended); a later pass allocates them again.</summary>
    void ReleaseBatches() { }
}
