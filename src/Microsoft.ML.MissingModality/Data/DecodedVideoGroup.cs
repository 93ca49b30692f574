namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// One row group of a videos table, decoded: the flattened values of each active feature column and, per row,
/// where its vector starts (-1 when that modality is missing). Instances are recycled by <see cref="VideoGroupCache"/>.
/// A batch that reads rows where they were decoded, instead of copying them, leases the group until its step ends:
/// a leased group is never decoded into again (the cache and the pool pass it over, and the reader refuses it).
/// </summary>
internal sealed class DecodedVideoGroup
{
    private int _leases;

    /// <summary>The identity of the videos table this group was decoded from (a pooled group is reused only for the same file).</summary>
    public string? Source { get; set; }

    public int Group { get; set; } = -1;
    public int Rows { get; set; }
    public ListColumn Audio { get; } = new();
    public ListColumn Visual { get; } = new();

    /// <summary>Whether a batch still reads rows of this group in place (taken and released on different threads).</summary>
    public bool IsLeased => Volatile.Read(ref _leases) > 0;

    /// <summary>Keeps the group's values as they are until the matching <see cref="ReleaseLease"/>.</summary>
    public void AddLease() => Interlocked.Increment(ref _leases);

    public void ReleaseLease()
    {
        if (Interlocked.Decrement(ref _leases) < 0)
            throw new InvalidOperationException("A decoded video group was released more often than it was leased.");
    }

    /// <summary>Bytes held by the value buffers (what the cache budget counts).</summary>
    public long Bytes => 4L * (Audio.Values.Length + Visual.Values.Length);

    /// <summary>A decoded list&lt;float&gt; column chunk, in buffers reused from group to group.</summary>
    internal sealed class ListColumn
    {
        public bool Loaded { get; set; }
        public float[] Values { get; set; } = [];
        public int[] Offsets { get; set; } = [];

        public void Ensure(int levels, int rows)
        {
            if (Values.Length < levels)
                Values = GC.AllocateUninitializedArray<float>(levels);
            if (Offsets.Length < rows)
                Offsets = new int[rows];
        }

        /// <summary>The row's vector, or an empty span when the modality is missing (or the column not loaded).</summary>
        public ReadOnlySpan<float> Row(int row, int length) => RowMemory(row, length).Span;

        /// <summary><see cref="Row"/> as memory, for a reader that holds on to it (under a lease of the group).</summary>
        public ReadOnlyMemory<float> RowMemory(int row, int length) =>
            Loaded && Offsets[row] >= 0 ? Values.AsMemory(Offsets[row], length) : default;

        public bool IsMissing(int row) => Offsets[row] < 0;
    }
}
