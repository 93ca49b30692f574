using Microsoft.ML.MissingModality.Data.Pages;

namespace Microsoft.ML.MissingModality.Tests.Data.Pages;

[TestClass]
public sealed class PageHeaderTests
{
    /// <summary>
    /// A version-1 data page header in Thrift's compact protocol, written out by hand, with fields the reader must
    /// skip: statistics (a nested struct), a list of bools, a map and a field in the long form.
    /// </summary>
    private static readonly byte[] DataPageV1 =
    [
        0x15, 0x00,             // 1: type = DATA_PAGE
        0x15, 0xC8, 0x01,       // 2: uncompressed_page_size = 100
        0x15, 0x64,             // 3: compressed_page_size = 50
        0x2C,                   // 5: data_page_header
        0x15, 0x14,             //    1: num_values = 10
        0x15, 0x00,             //    2: encoding = PLAIN
        0x15, 0x06,             //    3: definition_level_encoding = RLE
        0x15, 0x06,             //    4: repetition_level_encoding = RLE
        0x1C, 0x18, 0x02, 0xAA, 0xBB, 0x00, // 5: statistics { 1: max = 2 bytes }
        0x00,
        0x49, 0x21, 0x01, 0x02, // 9: list of two bools
        0x1B, 0x01, 0x58, 0x06, 0x01, 0xCC, // 10: map { 3: one byte }
        0x06, 0x28, 0x02,       // 20 (long form): i64 = 1
        0x00,
    ];

    [TestMethod]
    public void Read_DataPageWithUnknownFields_ReadsSizesAndEncodings()
    {
        var header = PageHeader.Read(DataPageV1, out int length);

        Assert.AreEqual(DataPageV1.Length, length);
        Assert.AreEqual(PageKind.Data, header.Kind);
        Assert.AreEqual(100, header.UncompressedSize);
        Assert.AreEqual(50, header.CompressedSize);
        Assert.AreEqual(10, header.Levels);
        Assert.AreEqual(PageHeader.Plain, header.ValueEncoding);
        Assert.AreEqual(PageHeader.Rle, header.DefinitionLevelEncoding);
        Assert.AreEqual(PageHeader.Rle, header.RepetitionLevelEncoding);
    }

    [TestMethod]
    public void Read_DataPageV2_ReadsLevelLengthsAndCompressionFlag()
    {
        byte[] bytes =
        [
            0x15, 0x06, 0x15, 0x28, 0x15, 0x1E, // type = DATA_PAGE_V2, sizes 20 and 15
            0x5C,                               // 8: data_page_header_v2
            0x15, 0x08, 0x15, 0x00, 0x15, 0x04, //    1: num_values 4, 2: num_nulls 0, 3: num_rows 2
            0x15, 0x00, 0x15, 0x04, 0x15, 0x02, //    4: encoding PLAIN, 5: def bytes 2, 6: rep bytes 1
            0x12,                               //    7: is_compressed = false
            0x00, 0x00,
        ];

        var header = PageHeader.Read(bytes, out int length);

        Assert.AreEqual(bytes.Length, length);
        Assert.AreEqual(PageKind.DataV2, header.Kind);
        Assert.AreEqual(4, header.Levels);
        Assert.AreEqual(2, header.DefinitionLevelBytes);
        Assert.AreEqual(1, header.RepetitionLevelBytes);
        Assert.IsFalse(header.ValuesCompressed);
    }

    [TestMethod]
    public void Read_EveryTruncation_ThrowsInvalidData()
    {
        for (int n = 0; n < DataPageV1.Length; n++)
            Assert.ThrowsExactly<InvalidDataException>(() => PageHeader.Read(DataPageV1.AsSpan(0, n), out _), $"cut at {n}");
    }

    [TestMethod]
    public void Read_WrongFieldType_ThrowsInvalidData()
    {
        byte[] bytes = [0x18, 0x00, 0x00]; // 1: type as binary

        Assert.ThrowsExactly<InvalidDataException>(() => PageHeader.Read(bytes, out _));
    }

    [TestMethod]
    public void Read_DeeplyNestedStructs_ThrowsInvalidData()
    {
        // Field 4 (not one the reader knows, so skipped) a struct whose field 1 is a struct, a hundred deep.
        byte[] bytes = [0x4C, .. Enumerable.Repeat((byte)0x1C, 100)];

        Assert.ThrowsExactly<InvalidDataException>(() => PageHeader.Read(bytes, out _));
    }
}
