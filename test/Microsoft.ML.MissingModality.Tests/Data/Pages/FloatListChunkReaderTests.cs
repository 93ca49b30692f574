using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Data.Pages;
using Microsoft.ML.MissingModality.Tests.Support;
using Parquet;

namespace Microsoft.ML.MissingModality.Tests.Data.Pages;

/// <summary>
/// The library's page decoder against Parquet.Net's reader: the same rows from every layout it takes, every other
/// layout left to Parquet.Net, and damaged pages reported with file, column and row.
/// </summary>
[TestClass]
public sealed class FloatListChunkReaderTests : TempDirectoryTest
{
    private static readonly FeatureShape FixtureShape = new(2, 4, [3]);

    private static string Fixture(string name) =>
        Path.Combine(TestPaths.RepoRoot, "test", "Microsoft.ML.MissingModality.Tests", "Data", "Fixtures", name, "val.videos.parquet");

    private sealed record Decoded(List<float[]?> Audio, List<float[]?> Visual, int PageDecodes);

    private static Decoded Decode(string path, FeatureShape shape, bool pageDecoder)
    {
        using var reader = new VideoTableReader(path, shape) { UsePageDecoder = pageDecoder };
        var audio = new List<float[]?>();
        var visual = new List<float[]?>();
        var group = new DecodedVideoGroup();
        for (int g = 0; g < reader.File.RowGroupCount; g++)
        {
            reader.Load(g, audio: true, visual: true, group);
            for (int r = 0; r < group.Rows; r++)
            {
                audio.Add(group.Audio.IsMissing(r) ? null : group.Audio.Row(r, shape.AudioLength).ToArray());
                visual.Add(group.Visual.IsMissing(r) ? null : group.Visual.Row(r, shape.VisualLength).ToArray());
            }
        }
        return new Decoded(audio, visual, reader.PageDecodes);
    }

    private static void AssertSameRows(Decoded expected, Decoded actual)
    {
        Assert.HasCount(expected.Audio.Count, actual.Audio);
        for (int r = 0; r < expected.Audio.Count; r++)
        {
            CollectionAssert.AreEqual(expected.Audio[r], actual.Audio[r], $"audio row {r}");
            CollectionAssert.AreEqual(expected.Visual[r], actual.Visual[r], $"visual row {r}");
        }
    }

    /// <summary>The data pages of a column chunk, read with <see cref="PageHeader"/>.</summary>
    private static async Task<List<PageHeader>> DataPages(string path, string column)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var field = reader.Schema.GetDataFields().Single(f => f.Path.ToString().StartsWith(column + "/", StringComparison.Ordinal));
        using var group = reader.OpenRowGroupReader(0);
        var chunk = group.GetMetadata(field)!.MetaData!;
        var bytes = File.ReadAllBytes(path).AsMemory((int)chunk.DataPageOffset, (int)chunk.TotalCompressedSize);
        var pages = new List<PageHeader>();
        for (int pos = 0; pos < bytes.Length;)
        {
            var header = PageHeader.Read(bytes.Span[pos..], out int length);
            pages.Add(header);
            pos += length + header.CompressedSize;
        }
        return pages;
    }

    [TestMethod]
    [DataRow(CompressionMethod.Snappy)]
    [DataRow(CompressionMethod.None)]
    public void Load_WriterTables_PageDecoderReadsWhatParquetNetReads(CompressionMethod compression)
    {
        string dir = TestDatasets.Write(Root, videos: 10, perVideo: 1, new DatasetWriterOptions { VideoRowGroupSize = 3, Compression = compression });
        string path = Path.Combine(dir, "train.videos.parquet");

        var pages = Decode(path, TestDatasets.Shape, pageDecoder: true);
        var parquetNet = Decode(path, TestDatasets.Shape, pageDecoder: false);

        AssertSameRows(parquetNet, pages);
        Assert.AreEqual(2 * 4, pages.PageDecodes, "both columns of all four row groups");
        Assert.AreEqual(0, parquetNet.PageDecodes);
        Assert.IsNull(pages.Audio[1], "video 1 has no audio");
        CollectionAssert.AreEqual(TestDatasets.Visual(9), pages.Visual[9]);
    }

    [TestMethod]
    public void Load_GzipTables_LeftToParquetNet()
    {
        string dir = TestDatasets.Write(Root, videos: 4, perVideo: 1, new DatasetWriterOptions { Compression = CompressionMethod.Gzip });
        string path = Path.Combine(dir, "train.videos.parquet");

        var decoded = Decode(path, TestDatasets.Shape, pageDecoder: true);

        Assert.AreEqual(0, decoded.PageDecodes);
        CollectionAssert.AreEqual(TestDatasets.Audio(3), decoded.Audio[3]);
    }

    [TestMethod]
    public void Load_ArrowDictionaryPages_LeftToParquetNet()
    {
        var decoded = Decode(Fixture("arrow-written"), FixtureShape, pageDecoder: true);

        Assert.AreEqual(0, decoded.PageDecodes);
        CollectionAssert.AreEqual(Enumerable.Range(0, 8).Select(i => (float)i).ToArray(), decoded.Audio[0]);
    }

    [TestMethod]
    [DataRow("arrow-plain-pages-v1", 0)]
    [DataRow("arrow-plain-pages-v2", 3)]
    public async Task Load_ArrowPlainPages_PageDecoderReadsListsAcrossPages(string fixture, int pageType)
    {
        var kind = (PageKind)pageType;
        string path = Fixture(fixture);
        var audioPages = await DataPages(path, "audio");

        var decoded = Decode(path, FixtureShape, pageDecoder: true);

        Assert.IsGreaterThan(3, audioPages.Count, "the fixture cuts a page every few values");
        Assert.IsTrue(audioPages.All(p => p.Kind == kind));
        Assert.AreEqual(2, decoded.PageDecodes);
        if (kind == PageKind.Data)
            AssertSameRows(Decode(path, FixtureShape, pageDecoder: false), decoded); // Parquet.Net 6.1 cannot read lists in v2 pages
        for (int v = 0; v < 6; v++)
        {
            CollectionAssert.AreEqual(v == 1 ? null : Enumerable.Range(0, 8).Select(i => (float)(v * 100 + i)).ToArray(), decoded.Audio[v], $"audio {v}");
            CollectionAssert.AreEqual(v == 2 ? null : Enumerable.Range(0, 6).Select(i => -(float)(v * 100 + i)).ToArray(), decoded.Visual[v], $"visual {v}");
        }
    }

    [TestMethod]
    public void Load_BadListsThroughEitherDecoder_SameLocatedError()
    {
        var nan = new float[TestDatasets.Shape.AudioLength];
        nan[3] = float.NaN;
        float[][] cases = [[], new float[5], nan];
        foreach (var bad in cases)
        {
            string path = Path.Combine(Root, $"bad-{bad.Length}.videos.parquet");
            RawTables.WriteVideos(path, [
                new("v0", TestDatasets.Audio(0), TestDatasets.Visual(0)),
                new("v1", bad, TestDatasets.Visual(1)),
            ]);

            var page = Assert.ThrowsExactly<AvqaDataException>(() => Decode(path, TestDatasets.Shape, pageDecoder: true));
            var parquetNet = Assert.ThrowsExactly<AvqaDataException>(() => Decode(path, TestDatasets.Shape, pageDecoder: false));

            Assert.AreEqual(parquetNet.Message, page.Message);
            Assert.AreEqual(1L, page.Row);
            Assert.AreEqual("audio", page.Column);
        }
    }

    [TestMethod]
    [DataRow(0, DisplayName = "page header")]
    [DataRow(1, DisplayName = "Snappy length")]
    [DataRow(2, DisplayName = "inside the compressed values")]
    public async Task Load_GarbledVisualPage_NamesFileColumnAndRow(int where)
    {
        string dir = TestDatasets.Write(Root, videos: 6, perVideo: 1, new DatasetWriterOptions { VideoRowGroupSize = 3 });
        string path = Path.Combine(dir, "train.videos.parquet");
        long chunkStart;
        await using (var reader = await ParquetReader.CreateAsync(path))
        {
            var field = reader.Schema.GetDataFields().Single(f => f.Path.ToString().StartsWith("visual/", StringComparison.Ordinal));
            using var group = reader.OpenRowGroupReader(1);
            chunkStart = group.GetMetadata(field)!.MetaData!.DataPageOffset;
        }
        var bytes = File.ReadAllBytes(path);
        var header = PageHeader.Read(bytes.AsSpan((int)chunkStart), out int headerLength);
        long at = chunkStart + where switch { 0 => 0, 1 => headerLength, _ => headerLength + header.CompressedSize / 2 };
        for (long i = at; i < at + 8; i++)
            bytes[i] = 0xFF;
        File.WriteAllBytes(path, bytes);

        var e = Assert.ThrowsExactly<AvqaDataException>(() => Decode(path, TestDatasets.Shape, pageDecoder: true));

        StringAssert.EndsWith(e.File, "train.videos.parquet");
        Assert.AreEqual("visual", e.Column);
        Assert.IsTrue(e.Row is >= 3 and <= 5, $"row {e.Row} is in the damaged group (rows 3-5): {e.Message}");
    }
}
