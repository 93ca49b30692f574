using System.Runtime.InteropServices;
using Parquet.Meta;

namespace Microsoft.ML.MissingModality.Data.Pages;

/// <summary>
/// The library's own decoder for the layout its writer produces for a <c>list&lt;float&gt;</c> column chunk: PLAIN
/// values, RLE levels, Snappy or no compression, data pages of version 1 or 2, no dictionary. It reads the chunk
/// with one positioned read (around the page cache where enabled, <see cref="ChunkFile"/>), decompresses each page
/// straight into the caller's value buffer and keeps the levels as runs. Parquet.Net's general reader copies every
/// decompressed page and expands every level to an int, which made it the data path's bottleneck at MUSIC-AVQA's
/// shapes (docs/benchmarks.md, the data path). Anything else — a dictionary, another codec or encoding — is
/// declined (<see cref="TryRead"/> returns false) and left to Parquet.Net.
/// </summary>
internal static class FloatListChunkReader
{
    /// <summary>
    /// Reads a column chunk: its present values, densely, into <paramref name="values"/> (grown when too small), its
    /// levels into <paramref name="scratch"/>'s runs. False, with nothing promised about the buffers, when the chunk
    /// is not in the layout this decoder reads.
    /// </summary>
    /// <param name="file">The open Parquet file's column chunks.</param>
    /// <param name="chunk">The column chunk's metadata (from the file's footer).</param>
    /// <param name="maxDefinition">The leaf's maximum definition level (a present value).</param>
    /// <param name="maxRepetition">The leaf's maximum repetition level.</param>
    /// <param name="scratch">Buffers for the chunk's bytes and level runs.</param>
    /// <param name="values">The value buffer, replaced by a larger one when needed.</param>
    /// <param name="allFinite">Whether every value read is finite (checked on the way, so rows need no second pass).</param>
    /// <exception cref="InvalidDataException">The chunk is in this layout but damaged.</exception>
    public static bool TryRead(ChunkFile file, ColumnMetaData chunk, int maxDefinition, int maxRepetition, DecodeScratch scratch, ref float[] values, out bool allFinite)
    {
        allFinite = true;
        if (!IsSupported(chunk))
            return false;
        long levelsTotal = chunk.NumValues;
        long start = chunk.DataPageOffset, length = chunk.TotalCompressedSize;
        if (start < 0 || length <= 0 || length > int.MaxValue || start > file.Length - length)
            throw new InvalidDataException($"The column chunk's bytes ({length} at offset {start}) are not inside the file.");
        // Each page decompresses where its values go and moves them down over its levels, so the buffer needs room for
        // the chunk's uncompressed bytes: only the levels and page headers more than its values.
        long room = (chunk.TotalUncompressedSize + 3) / 4;
        if (room > int.MaxValue || room > levelsTotal + (1 << 20))
            return false;
        if (values.Length < room)
            values = GC.AllocateUninitializedArray<float>((int)room);

        var chunkBytes = file.Read(start, (int)length, scratch);
        var bytes = chunkBytes.Span;
        scratch.Repetitions.Clear();
        scratch.Definitions.Clear();
        long levelsRead = 0, present = 0;
        int pos = 0;
        while (levelsRead < levelsTotal)
        {
            if (pos >= bytes.Length)
                throw new InvalidDataException($"The column chunk ends after {levelsRead} of its {levelsTotal} values.");
            var header = PageHeader.Read(bytes[pos..], out int headerLength);
            pos += headerLength;
            if (header.CompressedSize > bytes.Length - pos)
                throw new InvalidDataException("A page runs past the end of its column chunk.");
            var body = chunkBytes.Slice(pos, header.CompressedSize);
            pos += header.CompressedSize;
            if (header.Kind == PageKind.Index)
                continue;
            if (header.Kind is not (PageKind.Data or PageKind.DataV2) || header.ValueEncoding != PageHeader.Plain
                || (maxDefinition > 0 && header.DefinitionLevelEncoding != PageHeader.Rle)
                || (maxRepetition > 0 && header.RepetitionLevelEncoding != PageHeader.Rle))
                return false;
            if (header.Levels > levelsTotal - levelsRead)
                throw new InvalidDataException($"The pages hold more values than the column chunk's {levelsTotal}.");
            var pageTarget = new ValueBytes(values, checked((int)(present * 4)));
            long pageValues = header.Kind == PageKind.Data
                ? ReadPageV1(header, body, chunk.Codec, maxDefinition, maxRepetition, scratch, pageTarget, ref allFinite)
                : ReadPageV2(header, body, chunk.Codec, maxDefinition, maxRepetition, scratch, pageTarget, ref allFinite);
            present += pageValues;
            levelsRead += header.Levels;
        }
        return true;
    }

    private static bool IsSupported(ColumnMetaData chunk) =>
        chunk.Type == Parquet.Meta.Type.FLOAT
        && chunk.Codec is CompressionCodec.UNCOMPRESSED or CompressionCodec.SNAPPY
        && chunk.DictionaryPageOffset is null
        && chunk.NumValues is >= 0 and <= int.MaxValue;

    /// <summary>Version 1: levels and values compressed together; each level stream has a 4-byte length prefix.</summary>
    private static long ReadPageV1(PageHeader header, ReadOnlyMemory<byte> body, CompressionCodec codec, int maxDef, int maxRep, DecodeScratch scratch, ValueBytes target, ref bool allFinite)
    {
        if (header.UncompressedSize > target.Length)
            throw new InvalidDataException("A page is larger than its column chunk's uncompressed size says.");
        Decompress(body, codec, target, header.UncompressedSize, scratch);
        var page = target.Span[..header.UncompressedSize];
        int pos = 0;
        if (maxRep > 0)
            scratch.Repetitions.AppendHybrid(LengthPrefixed(page, ref pos), header.Levels, maxRep);
        else
            scratch.Repetitions.Add(0, header.Levels);
        long present = maxDef > 0 ? scratch.Definitions.AppendHybrid(LengthPrefixed(page, ref pos), header.Levels, maxDef) : AddAll(scratch.Definitions, header.Levels);
        CheckValueBytes(page.Length - pos, present);
        allFinite &= ParquetTables.CopyDownCheckingFinite(page.Slice(pos, (int)present * 4), page); // down over the levels
        return present;
    }

    /// <summary>Version 2: levels first and never compressed, their lengths in the header; then the (compressed) values.</summary>
    private static long ReadPageV2(PageHeader header, ReadOnlyMemory<byte> body, CompressionCodec codec, int maxDef, int maxRep, DecodeScratch scratch, ValueBytes target, ref bool allFinite)
    {
        int levelBytes = header.RepetitionLevelBytes + header.DefinitionLevelBytes;
        if (levelBytes > body.Length || levelBytes > header.UncompressedSize)
            throw new InvalidDataException("A page's levels are longer than the page.");
        var repetitions = body.Span[..header.RepetitionLevelBytes];
        var definitions = body.Span.Slice(header.RepetitionLevelBytes, header.DefinitionLevelBytes);
        if (maxRep > 0)
            scratch.Repetitions.AppendHybrid(repetitions, header.Levels, maxRep);
        else
            scratch.Repetitions.Add(0, header.Levels);
        long present = maxDef > 0 ? scratch.Definitions.AppendHybrid(definitions, header.Levels, maxDef) : AddAll(scratch.Definitions, header.Levels);
        int valueBytes = header.UncompressedSize - levelBytes;
        CheckValueBytes(valueBytes, present);
        if (valueBytes > target.Length)
            throw new InvalidDataException("A page is larger than its column chunk's uncompressed size says.");
        Decompress(body[levelBytes..], header.ValuesCompressed ? codec : CompressionCodec.UNCOMPRESSED, target, valueBytes, scratch);
        allFinite &= ParquetTables.IndexOfNonFinite(MemoryMarshal.Cast<byte, float>(target.Span[..valueBytes])) < 0;
        return present;
    }

    private static long AddAll(LevelRuns runs, int levels)
    {
        runs.Add(0, levels);
        return levels;
    }

    private static void CheckValueBytes(int bytes, long present)
    {
        if (bytes != present * 4)
            throw new InvalidDataException($"A page holds {bytes} value bytes for {present} present values of 4 bytes.");
    }

    private static ReadOnlySpan<byte> LengthPrefixed(ReadOnlySpan<byte> page, ref int pos)
    {
        if (page.Length - pos < 4)
            throw new InvalidDataException("A page ends before its levels.");
        int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(page[pos..]);
        pos += 4;
        if (length < 0 || length > page.Length - pos)
            throw new InvalidDataException("A page's levels are longer than the page.");
        var levels = page.Slice(pos, length);
        pos += length;
        return levels;
    }

    // The first `length` bytes of the target hold the page (or its values) once this returns.
    private static void Decompress(ReadOnlyMemory<byte> source, CompressionCodec codec, ValueBytes target, int length, DecodeScratch scratch)
    {
        if (codec == CompressionCodec.UNCOMPRESSED)
        {
            if (source.Length != length)
                throw new InvalidDataException($"An uncompressed page holds {source.Length} bytes; its header says {length}.");
            source.Span.CopyTo(target.Span);
            return;
        }
        scratch.Snappy.Decompress(source, target.Values, target.ByteOffset, length);
    }

    // The bytes of the value buffer from where a page's values go: a span for the decoder, the array for Snappy.
    private readonly record struct ValueBytes(float[] Values, int ByteOffset)
    {
        public long Length => (long)Values.Length * sizeof(float) - ByteOffset;

        public Span<byte> Span => MemoryMarshal.AsBytes(Values.AsSpan())[ByteOffset..];
    }
}
