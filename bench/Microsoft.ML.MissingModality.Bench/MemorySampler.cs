namespace Microsoft.ML.MissingModality.Bench;

/// <summary>
/// Samples the process's memory on a background thread: the resident set (from /proc), the managed heap (live and
/// not yet collected objects) and the rest (native memory: libtorch, Parquet.Net's unmanaged buffers, the runtime).
/// The peaks say whether growth is managed or native; benchmarks report them beside their times.
/// </summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly Timer _timer;
    private readonly object _gate = new();

    public MemorySampler(TimeSpan interval) => _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, interval);

    /// <summary>The resident set's high-water mark (the kernel's, so peaks between samples count).</summary>
    public long PeakRssBytes { get; private set; }

    /// <summary>The largest managed heap seen at a sample.</summary>
    public long PeakManagedBytes { get; private set; }

    /// <summary>The largest resident set minus managed heap seen at a sample.</summary>
    public long PeakNativeBytes { get; private set; }

    /// <summary>With MM_BENCH_MEMORY_LOG=1, every sample is written to standard error.</summary>
    public static bool Verbose { get; } = Environment.GetEnvironmentVariable("MM_BENCH_MEMORY_LOG") == "1";

    public void Sample()
    {
        long rss = CurrentRssBytes();
        long managed = GC.GetTotalMemory(forceFullCollection: false);
        lock (_gate)
        {
            PeakRssBytes = Math.Max(PeakRssBytes, Math.Max(rss, HighWaterMarkBytes()));
            PeakManagedBytes = Math.Max(PeakManagedBytes, managed);
            PeakNativeBytes = Math.Max(PeakNativeBytes, rss - managed);
        }
        if (Verbose)
            Console.Error.WriteLine($"[memory] resident {rss / 1e9:F2} GB, managed heap {managed / 1e9:F2} GB, allocated so far {GC.GetTotalAllocatedBytes() / 1e9:F1} GB, gen2 collections {GC.CollectionCount(2)}");
    }

    public static long CurrentRssBytes() => StatusKilobytes("VmRSS:") * 1024;

    public static long HighWaterMarkBytes() => StatusKilobytes("VmHWM:") * 1024;

    private static long StatusKilobytes(string field)
    {
        if (!File.Exists("/proc/self/status"))
            return 0;
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[field.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[0]);
    }

    public void Dispose()
    {
        _timer.Dispose();
        Sample();
    }
}
