namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// How many rows of a batch go through a network at once. At MUSIC-AVQA's shapes a row's maps are 4 MB, and every
/// full-size tensor of a step (the noise, the noised pair, the prediction, their gradients) is that times the rows:
/// a batch of 64 at once holds gigabytes. Rows are therefore taken in chunks whose real features fit
/// <see cref="FeatureBudgetBytes"/>, each chunk's share of the loss back-propagated before the next is computed, which
/// gives the batch's gradient (the losses are means over rows of equal size) with a chunk's memory. At the demo's
/// shapes a whole batch of 64 fits in one chunk.
/// </summary>
internal static class RowChunks
{
    /// <summary>32 MiB of real features per chunk: 8 rows at MUSIC-AVQA's shapes, 257 at the demo's.</summary>
    public const long FeatureBudgetBytes = 32L << 20;

    /// <summary>Rows per chunk: <paramref name="batchSize"/>, but no more than keep their features within the budget, and at least 1.</summary>
    public static int Rows(int batchSize, long floatsPerRow) =>
        (int)Math.Clamp(FeatureBudgetBytes / (sizeof(float) * Math.Max(1, floatsPerRow)), 1, Math.Max(1, batchSize));

    /// <summary>Consecutive (start, length) ranges covering rows 0..count−1, each at most <paramref name="chunkRows"/> long.</summary>
    public static IEnumerable<(int Start, int Length)> Ranges(int count, int chunkRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        for (int start = 0; start < count; start += chunkRows)
            yield return (start, Math.Min(chunkRows, count - start));
    }
}
