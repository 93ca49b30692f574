namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// One row group of a videos table, decoded: the flattened values of each active feature column and, per row,
/// where its vector starts (-1 when that modality is missing). Instances are recycled by <see cref="VideoGroupCache"/>.
/// </summary>
internal sealed class DecodedVideoGroup
{
    /// <summary>The identity of the videos table this group was decoded from (a pooled group is reused only for the same file).</summary>
    public string? Source { get; set; }

    public int Group { get; set; } = -1;
    public int Rows { get; set; }
    public ListColumn Audio { get; } = new();
    public ListColumn Visual { get; } = new();

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
        public ReadOnlySpan<float> Row(int row, int length) =>
            Loaded && Offsets[row] >= 0 ? Values.AsSpan(Offsets[row], length) : default;

        public bool IsMissing(int row) => Offsets[row] < 0;
    }
}
