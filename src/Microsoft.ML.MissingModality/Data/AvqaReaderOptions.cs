namespace Microsoft.ML.MissingModality.Data;

/// <summary>Options of the dataset reader (<c>mlContext.Data.LoadFromAvqaDataset</c>).</summary>
public sealed class AvqaReaderOptions
{
    /// <summary>
    /// Visit questions in a shuffled order: the questions table's row groups in a random order, and the rows of each
    /// group in a random order. Each cursor of the same data view gets the next seed in sequence, so successive
    /// epochs differ but the whole sequence is deterministic given <see cref="Seed"/>.
    /// </summary>
    /// <value>Default <c>false</c> (file order). A cursor requested with a random generator is shuffled regardless.</value>
    public bool Shuffle { get; set; }

    /// <summary>Seed of the shuffled order.</summary>
    /// <value>Default 0.</value>
    public int Seed { get; set; }

    /// <summary>
    /// Bytes of decoded video row groups each cursor keeps (least recently used evicted first; at least one group).
    /// A finished cursor hands its groups on to the next cursor (of any view: the validation pass reuses the training
    /// pass's buffers), so a dataset that fits is decoded once for every epoch, and cursors opened one after another
    /// stay within this budget together; up to this much stays allocated for the next reader of the process.
    /// </summary>
    /// <value>
    /// Default 320 MiB: 10 row groups of 8 MUSIC-AVQA videos (32 MB each). One questions row group of 256 touches the
    /// row groups of the videos its questions ask about: at MUSIC-AVQA's 5 questions per video, 7.4 video groups on
    /// average and 8 at most in the <c>music-avqa</c> preset's train split, so a shuffled pass decodes each video group
    /// about once per epoch, as with a larger cache, with two groups to spare. Raise it for a layout whose question
    /// groups touch more video groups (fewer questions per video, larger question row groups). A trainer whose batches
    /// read rows in place (AVST on the CPU) keeps the groups of the batches in flight past this budget until their
    /// steps end, and the pool then keeps as many for the next pass.
    /// </value>
    public long VideoCacheBytes { get; set; } = 320L << 20;

    /// <summary>
    /// Whether feature column chunks are read around the operating system's page cache (Linux <c>O_DIRECT</c>): the
    /// disk copies each chunk straight into the reader's buffer. For a split larger than memory every epoch reads it
    /// from disk anyway, and through the cache each byte is copied once more and evicts another, in kernel time on
    /// the cores that train; for one that fits, the cache serves later epochs from memory.
    /// </summary>
    /// <value>
    /// Default null: around the cache when the split's videos tables together exceed half the memory available to the
    /// process, through it otherwise. Elsewhere than Linux, and on file systems that refuse it, reads go through the
    /// cache whatever this says.
    /// </value>
    public bool? DirectReads { get; set; }

    internal void Validate()
    {
        if (VideoCacheBytes < 0)
            throw new ArgumentOutOfRangeException(nameof(VideoCacheBytes), VideoCacheBytes, "Must not be negative.");
    }
}
