using Microsoft.Win32.SafeHandles;

namespace Microsoft.ML.MissingModality.Data.Pages;

/// <summary>
/// The bytes of a Parquet file's column chunks, each fetched with one positioned read: through the page cache, or
/// around it once <see cref="TryEnableDirectReads"/> has succeeded (<see cref="DirectReads"/>). A file system that
/// takes the direct flag but refuses a read is read through the page cache from then on.
/// </summary>
internal sealed class ChunkFile(SafeFileHandle file, string path) : IDisposable
{
    private SafeFileHandle? _direct;

    /// <summary>Whether reads currently bypass the page cache.</summary>
    public bool ReadsDirectly => _direct is not null;

    /// <summary>Chunks read around the page cache so far.</summary>
    public int DirectChunkReads { get; private set; }

    /// <summary>Reads from now on bypass the page cache where the system allows it; false where it does not.</summary>
    public bool TryEnableDirectReads()
    {
        _direct ??= DirectReads.TryOpen(path);
        return _direct is not null;
    }

    public long Length => RandomAccess.GetLength(file);

    /// <summary>The <paramref name="length"/> bytes at <paramref name="offset"/>, in one of <paramref name="scratch"/>'s buffers.</summary>
    /// <exception cref="InvalidDataException">The file ends before them.</exception>
    public ReadOnlyMemory<byte> Read(long offset, int length, DecodeScratch scratch)
    {
        if (_direct is not null)
        {
            var bytes = DirectReads.TryRead(_direct, offset, length, scratch, out bool refused);
            if (!refused)
            {
                DirectChunkReads++;
                return bytes;
            }
            _direct.Dispose();
            _direct = null;
        }
        var buffer = scratch.Chunk(length).AsMemory(0, length);
        var rest = buffer.Span;
        while (!rest.IsEmpty)
        {
            int read = RandomAccess.Read(file, rest, offset);
            if (read == 0)
                throw new InvalidDataException("The file ends inside a column chunk.");
            rest = rest[read..];
            offset += read;
        }
        return buffer;
    }

    public void Dispose() => _direct?.Dispose();
}
