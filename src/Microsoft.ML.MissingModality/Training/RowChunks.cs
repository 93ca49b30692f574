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

    /// <summary>
    /// 256 MiB of features per chunk of an answerer's training batch: AVST's batch of 64 at MUSIC-AVQA's shapes (245 MiB,
    /// one 4 MB map a row) stays whole. Behind a recaller, <see cref="RecalledAnswererBatchBudgetBytes"/> applies.
    /// </summary>
    public const long AnswererBatchBudgetBytes = 256L << 20;

    /// <summary>
    /// 128 MiB per chunk of an answerer's batch behind a recaller (Eq. 8): the recaller and the diffusion upstream score
    /// the chunk's rows in the same pass, so their buffers and activations share the step's memory. At MUSIC-AVQA's
    /// shapes the full method's batch of 64 comes in five chunks of 11 rows and one of 9.
    /// </summary>
    public const long RecalledAnswererBatchBudgetBytes = 128L << 20;

    /// <summary>
    /// Rows per chunk when a batch of <paramref name="batchSize"/> rows of <paramref name="floatsPerRow"/> floats must be
    /// taken within <paramref name="budgetBytes"/>: as few chunks as fit, of equal size where the batch divides (the last
    /// smaller otherwise), so that no step pays for a chunk of a row or two.
    /// </summary>
    public static int Balanced(int batchSize, long floatsPerRow, long budgetBytes)
    {
        int batch = Math.Max(1, batchSize);
        long fitting = Math.Clamp(budgetBytes / (sizeof(float) * Math.Max(1, floatsPerRow)), 1, batch);
        int chunks = (int)((batch + fitting - 1) / fitting);
        return (batch + chunks - 1) / chunks;
    }

    /// <summary>Consecutive (start, length) ranges covering rows 0..count−1, each at most <paramref name="chunkRows"/> long.</summary>
    public static IEnumerable<(int Start, int Length)> Ranges(int count, int chunkRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        for (int start = 0; start < count; start += chunkRows)
            yield return (start, Math.Min(chunkRows, count - start));
    }
}
