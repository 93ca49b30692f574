using Microsoft.ML.MissingModality.Data.Pages;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// What decoding one column chunk needs only while it runs, so one set serves every group and is handed from reader
/// to reader: the chunk's bytes as stored and its levels as runs (the library's own page decoder), or one int per
/// level (Parquet.Net's, for layouts the page decoder leaves to it; allocated only if one is met).
/// </summary>
internal sealed class DecodeScratch
{
    private byte[] _chunk = [];
    private byte[] _aligned = [];
    private int _alignedStart;

    public LevelRuns Repetitions { get; } = new();
    public LevelRuns Definitions { get; } = new();

    /// <summary>Decompresses Snappy pages where their values go.</summary>
    public SnappyIntoFloats Snappy { get; } = new();

    public int[] DefinitionLevels { get; private set; } = [];
    public int[] RepetitionLevels { get; private set; } = [];

    /// <summary>A buffer of at least <paramref name="bytes"/> bytes for a column chunk as stored.</summary>
    public byte[] Chunk(int bytes)
    {
        if (_chunk.Length < bytes)
            _chunk = GC.AllocateUninitializedArray<byte>(bytes);
        return _chunk;
    }

    /// <summary>
    /// A buffer of <paramref name="bytes"/> bytes whose address is a multiple of <see cref="DirectReads.Alignment"/>,
    /// for reads that bypass the page cache (a pinned array, so the address holds).
    /// </summary>
    public Memory<byte> AlignedChunk(int bytes)
    {
        if (_aligned.Length - _alignedStart < bytes)
        {
            _aligned = GC.AllocateUninitializedArray<byte>(bytes + DirectReads.Alignment, pinned: true);
            long address = System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(_aligned, 0);
            _alignedStart = (int)((DirectReads.Alignment - address % DirectReads.Alignment) % DirectReads.Alignment);
        }
        return _aligned.AsMemory(_alignedStart, bytes);
    }

    /// <summary>Room for <paramref name="levels"/> levels of each kind, one int per level.</summary>
    public void EnsureLevels(int levels)
    {
        if (DefinitionLevels.Length >= levels)
            return;
        DefinitionLevels = GC.AllocateUninitializedArray<int>(levels);
        RepetitionLevels = GC.AllocateUninitializedArray<int>(levels);
    }
}
