namespace Microsoft.ML.MissingModality.Scoring;

/// <summary>
/// Scores rows a batch at a time for <see cref="BatchedTransformDataView"/>: rows are added one by one from the
/// input cursor (the scorer copies the inputs it needs), then scored together in one forward pass.
/// </summary>
internal interface IBatchScorer : IDisposable
{
    /// <summary>Copies the inputs this scorer needs from the cursor's current row into slot <paramref name="slot"/>.</summary>
    void AddRow(DataViewRow input, int slot);

    /// <summary>Computes the outputs of slots 0..<paramref name="count"/>-1.</summary>
    void ScoreBatch(int count);

    /// <summary>A getter for output <paramref name="outputIndex"/> of the slot that <paramref name="currentSlot"/> returns.</summary>
    Delegate MakeOutputGetter(int outputIndex, Func<int> currentSlot);
}
