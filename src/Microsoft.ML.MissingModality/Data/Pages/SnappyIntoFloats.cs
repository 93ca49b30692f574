using System.Buffers;
using System.Runtime.InteropServices;

namespace Microsoft.ML.MissingModality.Data.Pages;

/// <summary>
/// Decompresses a Snappy block straight into a range of a float array's bytes. Snappier's span-to-span call
/// decompresses into a pooled buffer of its own, copies that to the caller's span and clears it before pooling it
/// again: two extra passes over every byte, about a third of the reader's time at MUSIC-AVQA's shapes
/// (docs/benchmarks.md, the data path, stop 36). Given a buffer writer, Snappier decompresses into the memory the
/// writer hands it, so this is one: it hands out the target range. One instance serves every page of a reader.
/// </summary>
internal sealed class SnappyIntoFloats : IBufferWriter<byte>
{
    private readonly FloatBytes _memory = new();
    private int _start, _length, _written;

    /// <summary>
    /// Decompresses <paramref name="source"/> into the <paramref name="length"/> bytes of <paramref name="floats"/>
    /// that start at byte <paramref name="byteOffset"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The block is damaged, or does not decompress to exactly that length.</exception>
    public void Decompress(ReadOnlyMemory<byte> source, float[] floats, int byteOffset, int length)
    {
        if (byteOffset < 0 || length < 0 || byteOffset > (long)floats.Length * sizeof(float) - length)
            throw new ArgumentOutOfRangeException(nameof(length), "The target range is not inside the array.");
        if (Snappier.Snappy.GetUncompressedLength(source.Span) != length)
            throw new InvalidDataException($"A Snappy page does not decompress to the {length} bytes its header says.");
        _memory.Floats = floats;
        (_start, _length, _written) = (byteOffset, length, 0);
        try
        {
            Snappier.Snappy.Decompress(new ReadOnlySequence<byte>(source), this);
        }
        finally
        {
            _memory.Floats = [];
        }
        if (_written != length)
            throw new InvalidDataException("A Snappy page decompressed short.");
    }

    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint)
    {
        if (sizeHint > _length - _written)
            throw new InvalidDataException($"A Snappy page decompresses past the {_length} bytes its header says.");
        return _memory.Memory.Slice(_start + _written, _length - _written);
    }

    Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint) => ((IBufferWriter<byte>)this).GetMemory(sizeHint).Span;

    void IBufferWriter<byte>.Advance(int count)
    {
        if (count < 0 || count > _length - _written)
            throw new InvalidDataException($"A Snappy page decompresses past the {_length} bytes its header says.");
        _written += count;
    }

    // A float array seen as bytes, as Memory<byte> (what a buffer writer hands out).
    private sealed class FloatBytes : MemoryManager<byte>
    {
        public float[] Floats { get; set; } = [];

        public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(Floats.AsSpan());

        public override unsafe MemoryHandle Pin(int elementIndex = 0)
        {
            var handle = GCHandle.Alloc(Floats, GCHandleType.Pinned);
            return new MemoryHandle((byte*)handle.AddrOfPinnedObject() + elementIndex, handle, this);
        }

        public override void Unpin()
        {
            // The handle given with the pointer is freed by MemoryHandle.Dispose.
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
