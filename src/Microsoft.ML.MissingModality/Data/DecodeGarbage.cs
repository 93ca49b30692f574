namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Keeps the garbage of decoding from piling up. Parquet.Net copies every decompressed page into a new array (about
/// one row group's bytes per column read), and the GC, on a machine with memory to spare, lets such large-object
/// garbage grow to gigabytes before a full collection: 4.8 GB of managed heap after 2,560 MUSIC-AVQA rows whose live
/// data was under 2 GB. After every <see cref="CollectEveryBytes"/> decoded (by all readers of the process) one full,
/// non-compacting collection runs (every eight MUSIC-AVQA row groups; a few tens of milliseconds), so the heap stays
/// within live data plus a few times that much.
/// </summary>
internal static class DecodeGarbage
{
    private static long _sinceCollection;

    /// <summary>Decoded bytes between two collections; 0 leaves collecting to the GC.</summary>
    public static long CollectEveryBytes { get; set; } = 256L << 20;

    /// <summary>Full collections this class has run (for tests and benchmarks).</summary>
    public static int Collections { get; private set; }

    public static void Decoded(long bytes)
    {
        long every = CollectEveryBytes;
        if (every <= 0 || Interlocked.Add(ref _sinceCollection, bytes) < every)
            return;
        Interlocked.Exchange(ref _sinceCollection, 0);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
        Collections++;
    }
}
