namespace Microsoft.ML.MissingModality.Data.Pages;

/// <summary>
/// Reads Thrift's compact protocol (the encoding of Parquet's page headers) from a span: field headers, integers,
/// booleans, and skipping of any value. Every read is bounds-checked; malformed input throws
/// <see cref="InvalidDataException"/>, never reads past the span.
/// </summary>
internal ref struct ThriftCompactReader
{
    public const byte BoolTrue = 1, BoolFalse = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7, Binary = 8, List = 9, Set = 10, Map = 11, Struct = 12;

    private const int MaxDepth = 32;
    private readonly ReadOnlySpan<byte> _bytes;
    private int _depth;

    public ThriftCompactReader(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    /// <summary>Bytes consumed so far.</summary>
    public int Position { get; private set; }

    /// <summary>Reads the next field header of the current struct: false at its stop byte.</summary>
    /// <param name="field">The previous field id on entry (0 at a struct's start), this field's on return.</param>
    /// <param name="type">The field's compact type (a bool field's value is its type).</param>
    public bool NextField(ref short field, out byte type)
    {
        byte header = NextByte();
        type = (byte)(header & 0x0F);
        if (header == 0)
            return false;
        int delta = header >> 4;
        field = delta == 0 ? checked((short)ZigZag(ReadVarint())) : checked((short)(field + delta));
        return true;
    }

    public int ReadI32(byte type)
    {
        Expect(type, I32);
        long value = ZigZag(ReadVarint());
        if (value is < int.MinValue or > int.MaxValue)
            throw new InvalidDataException("A Thrift i32 is out of range.");
        return (int)value;
    }

    public bool ReadBool(byte type) => type switch
    {
        BoolTrue => true,
        BoolFalse => false,
        _ => throw new InvalidDataException($"Expected a Thrift bool field, found type {type}."),
    };

    /// <summary>Skips one value of <paramref name="type"/> (nested structs and containers included).</summary>
    public void Skip(byte type)
    {
        switch (type)
        {
            case BoolTrue or BoolFalse:
                break;
            case Byte:
                NextByte();
                break;
            case I16 or I32 or I64:
                ReadVarint();
                break;
            case Double:
                Advance(8);
                break;
            case Binary:
                Advance(checked((int)ReadVarint()));
                break;
            case List or Set:
                SkipList();
                break;
            case Map:
                SkipMap();
                break;
            case Struct:
                Enter();
                short field = 0;
                while (NextField(ref field, out byte fieldType))
                    Skip(fieldType);
                _depth--;
                break;
            default:
                throw new InvalidDataException($"Unknown Thrift type {type}.");
        }
    }

    public static void Expect(byte type, byte expected)
    {
        if (type != expected)
            throw new InvalidDataException($"Expected Thrift type {expected}, found {type}.");
    }

    private void SkipList()
    {
        byte header = NextByte();
        long count = header >> 4;
        if (count == 15)
            count = checked((long)ReadVarint());
        byte elementType = (byte)(header & 0x0F);
        Enter();
        for (long i = 0; i < count; i++)
        {
            // A bool element is one byte in a list, unlike a bool field.
            if (elementType is BoolTrue or BoolFalse)
                NextByte();
            else
                Skip(elementType);
        }
        _depth--;
    }

    private void SkipMap()
    {
        long count = checked((long)ReadVarint());
        if (count == 0)
            return;
        byte types = NextByte();
        Enter();
        for (long i = 0; i < count; i++)
        {
            Skip((byte)(types >> 4));
            Skip((byte)(types & 0x0F));
        }
        _depth--;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
            throw new InvalidDataException("Thrift structures are nested too deeply.");
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = NextByte();
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
        throw new InvalidDataException("A Thrift varint is longer than 10 bytes.");
    }

    private static long ZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    private byte NextByte()
    {
        if (Position >= _bytes.Length)
            throw new InvalidDataException("A page header runs past the end of its column chunk.");
        return _bytes[Position++];
    }

    private void Advance(int count)
    {
        if (count < 0 || count > _bytes.Length - Position)
            throw new InvalidDataException("A page header runs past the end of its column chunk.");
        Position += count;
    }
}
