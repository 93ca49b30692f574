namespace Microsoft.ML.MissingModality.Data.Pages;

/// <summary>
/// A column chunk's repetition or definition levels as runs of equal values, appended page by page. A vector of a
/// million values is two or three runs, so walking rows costs per run, not per value (Parquet.Net expands every
/// level to an int).
/// </summary>
internal sealed class LevelRuns
{
    private byte[] _values = new byte[64];
    private int[] _counts = new int[64];

    public int Count { get; private set; }

    /// <summary>Levels held (the sum of the run lengths).</summary>
    public long Levels { get; private set; }

    public byte Value(int run) => _values[run];

    public int Length(int run) => _counts[run];

    public void Clear()
    {
        Count = 0;
        Levels = 0;
    }

    /// <summary>Appends <paramref name="count"/> copies of <paramref name="value"/>, merged into the last run when equal.</summary>
    public void Add(byte value, int count)
    {
        if (count == 0)
            return;
        Levels += count;
        if (Count > 0 && _values[Count - 1] == value)
        {
            _counts[Count - 1] += count;
            return;
        }
        if (Count == _values.Length)
        {
            Array.Resize(ref _values, Count * 2);
            Array.Resize(ref _counts, Count * 2);
        }
        _values[Count] = value;
        _counts[Count] = count;
        Count++;
    }

    /// <summary>
    /// Decodes <paramref name="levels"/> levels of the RLE / bit-packing hybrid encoding (Parquet's levels encoding,
    /// without its length prefix) and appends them; returns how many were at <paramref name="max"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes end early, a run is empty, or a level exceeds <paramref name="max"/>.</exception>
    public long AppendHybrid(ReadOnlySpan<byte> bytes, int levels, int max)
    {
        if (max == 0)
        {
            Add(0, levels); // a column with no levels of this kind stores none
            return levels;
        }
        int width = 32 - int.LeadingZeroCount(max);
        int valueBytes = (width + 7) / 8;
        int pos = 0, done = 0;
        long atMax = 0;
        while (done < levels)
        {
            uint header = ReadUleb(bytes, ref pos);
            if ((header & 1) == 0)
            {
                int count = (int)Math.Min(header >> 1, (uint)(levels - done));
                if (count == 0 || valueBytes > bytes.Length - pos)
                    throw new InvalidDataException("A level run is empty or cut short.");
                int value = bytes[pos];
                if (valueBytes > 1)
                    value |= bytes[pos + 1] << 8;
                pos += valueBytes;
                Check(value, max);
                Add((byte)value, count);
                if (value == max)
                    atMax += count;
                done += count;
            }
            else
            {
                long groups = header >> 1;
                long packedBytes = groups * width;
                if (groups == 0 || packedBytes > bytes.Length - pos)
                    throw new InvalidDataException("A bit-packed level run is empty or cut short.");
                int count = (int)Math.Min(groups * 8, levels - done);
                var packed = bytes.Slice(pos, (int)packedBytes);
                for (int i = 0; i < count; i++)
                {
                    int bit = i * width;
                    int word = packed[bit >> 3] | ((bit >> 3) + 1 < packed.Length ? packed[(bit >> 3) + 1] << 8 : 0);
                    int value = (word >> (bit & 7)) & ((1 << width) - 1);
                    Check(value, max);
                    Add((byte)value, 1);
                    if (value == max)
                        atMax++;
                }
                pos += (int)packedBytes;
                done += count;
            }
        }
        return atMax;
    }

    private static void Check(int value, int max)
    {
        if (value > max)
            throw new InvalidDataException($"A level is {value}; the column's maximum is {max}.");
    }

    private static uint ReadUleb(ReadOnlySpan<byte> bytes, ref int pos)
    {
        uint value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (pos >= bytes.Length)
                throw new InvalidDataException("The levels end before the page's value count.");
            byte b = bytes[pos++];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
        throw new InvalidDataException("A level run header is longer than 5 bytes.");
    }
}
