namespace Microsoft.ML.MissingModality.Data.Pages;

/// <summary>Page types of the Parquet format (parquet.thrift <c>PageType</c>).</summary>
internal enum PageKind
{
    Data = 0,
    Index = 1,
    Dictionary = 2,
    DataV2 = 3,
}

/// <summary>
/// The fields of a Parquet page header that decoding a data page needs (parquet.thrift <c>PageHeader</c> with its
/// <c>DataPageHeader</c> or <c>DataPageHeaderV2</c>), read from Thrift's compact protocol. Statistics and every
/// other field are skipped.
/// </summary>
internal readonly record struct PageHeader(
    PageKind Kind,
    int UncompressedSize,
    int CompressedSize,
    int Levels,
    int ValueEncoding,
    int DefinitionLevelEncoding,
    int RepetitionLevelEncoding,
    int DefinitionLevelBytes,
    int RepetitionLevelBytes,
    bool ValuesCompressed)
{
    /// <summary>parquet.thrift <c>Encoding</c> values this decoder handles.</summary>
    public const int Plain = 0, Rle = 3;

    /// <summary>Reads the header at the start of <paramref name="bytes"/>; <paramref name="length"/> is its size in bytes.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a complete, sane page header.</exception>
    public static PageHeader Read(ReadOnlySpan<byte> bytes, out int length)
    {
        var reader = new ThriftCompactReader(bytes);
        int kind = -1, uncompressed = -1, compressed = -1, levels = -1, encoding = -1, defEncoding = -1, repEncoding = -1;
        int defBytes = 0, repBytes = 0;
        bool valuesCompressed = true;
        short field = 0;
        while (reader.NextField(ref field, out byte type))
        {
            switch (field)
            {
                case 1: kind = reader.ReadI32(type); break;
                case 2: uncompressed = reader.ReadI32(type); break;
                case 3: compressed = reader.ReadI32(type); break;
                case 5: ReadDataPage(ref reader, type); break;
                case 8: ReadDataPageV2(ref reader, type); break;
                default: reader.Skip(type); break;
            }
        }
        length = reader.Position;
        if (kind < 0 || uncompressed < 0 || compressed < 0)
            throw new InvalidDataException("A page header lacks its type or sizes.");
        if ((kind == (int)PageKind.Data || kind == (int)PageKind.DataV2) && levels < 0)
            throw new InvalidDataException("A data page header lacks its value count.");
        if (defBytes < 0 || repBytes < 0)
            throw new InvalidDataException("A data page header has negative level sizes.");
        return new PageHeader((PageKind)kind, uncompressed, compressed, levels, encoding, defEncoding, repEncoding, defBytes, repBytes, valuesCompressed);

        void ReadDataPage(ref ThriftCompactReader r, byte structType)
        {
            ThriftCompactReader.Expect(structType, ThriftCompactReader.Struct);
            short f = 0;
            while (r.NextField(ref f, out byte t))
            {
                switch (f)
                {
                    case 1: levels = r.ReadI32(t); break;
                    case 2: encoding = r.ReadI32(t); break;
                    case 3: defEncoding = r.ReadI32(t); break;
                    case 4: repEncoding = r.ReadI32(t); break;
                    default: r.Skip(t); break;
                }
            }
        }

        void ReadDataPageV2(ref ThriftCompactReader r, byte structType)
        {
            ThriftCompactReader.Expect(structType, ThriftCompactReader.Struct);
            defEncoding = repEncoding = Rle; // v2 levels are always RLE, without a length prefix
            short f = 0;
            while (r.NextField(ref f, out byte t))
            {
                switch (f)
                {
                    case 1: levels = r.ReadI32(t); break;
                    case 4: encoding = r.ReadI32(t); break;
                    case 5: defBytes = r.ReadI32(t); break;
                    case 6: repBytes = r.ReadI32(t); break;
                    case 7: valuesCompressed = r.ReadBool(t); break;
                    default: r.Skip(t); break;
                }
            }
        }
    }
}
