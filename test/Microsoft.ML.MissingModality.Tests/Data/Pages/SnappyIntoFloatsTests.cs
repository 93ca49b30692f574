using System.Runtime.InteropServices;
using Microsoft.ML.MissingModality.Data.Pages;

namespace Microsoft.ML.MissingModality.Tests.Data.Pages;

/// <summary>Snappy blocks decompressed straight into a float array's bytes, against Snappier's own span-to-span call.</summary>
[TestClass]
public sealed class SnappyIntoFloatsTests
{
    // Compressible and not: repeated runs (copies in the block) and random values (literals).
    private static byte[] Payload(int floats, int seed)
    {
        var random = new Random(seed);
        var values = new float[floats];
        for (int i = 0; i < floats; i++)
            values[i] = i % 97 < 40 ? (i % 7) * 0.5f : (float)random.NextDouble();
        return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }

    [TestMethod]
    [DataRow(0, DisplayName = "at the start")]
    [DataRow(4 * 1000, DisplayName = "past earlier values")]
    [DataRow(6, DisplayName = "at an offset inside a float (levels before a page's values)")]
    public void Decompress_Block_BytesEqualSnappiersAndTheRestUntouched(int byteOffset)
    {
        var payload = Payload(70_000, seed: 3);
        var compressed = Snappier.Snappy.CompressToArray(payload);
        var expected = new byte[payload.Length];
        Snappier.Snappy.Decompress(compressed, expected);
        var target = Enumerable.Repeat(-7.5f, 72_000).ToArray();

        new SnappyIntoFloats().Decompress(compressed, target, byteOffset, payload.Length);

        var bytes = MemoryMarshal.AsBytes(target.AsSpan());
        CollectionAssert.AreEqual(expected, bytes.Slice(byteOffset, payload.Length).ToArray());
        var sentinel = MemoryMarshal.AsBytes(new[] { -7.5f }.AsSpan()).ToArray();
        for (int b = 0; b < bytes.Length; b++)
        {
            if (b < byteOffset || b >= byteOffset + payload.Length)
                Assert.AreEqual(sentinel[b % 4], bytes[b], $"byte {b} outside the range was written");
        }
    }

    [TestMethod]
    public void Decompress_ManyBlocksOneInstance_EachLandsWhereAsked()
    {
        var decompressor = new SnappyIntoFloats();
        var target = new float[30_000];
        for (int block = 0; block < 3; block++)
        {
            var payload = Payload(10_000, seed: block);
            decompressor.Decompress(Snappier.Snappy.CompressToArray(payload), target, block * 40_000, payload.Length);
            CollectionAssert.AreEqual(payload, MemoryMarshal.AsBytes(target.AsSpan()).Slice(block * 40_000, payload.Length).ToArray(), $"block {block}");
        }
    }

    [TestMethod]
    public void Decompress_LengthOtherThanTheBlocks_ThrowsInvalidData()
    {
        var payload = Payload(1_000, seed: 1);
        var compressed = Snappier.Snappy.CompressToArray(payload);

        Assert.ThrowsExactly<InvalidDataException>(() => new SnappyIntoFloats().Decompress(compressed, new float[2_000], 0, payload.Length - 4));
        Assert.ThrowsExactly<InvalidDataException>(() => new SnappyIntoFloats().Decompress(compressed, new float[2_000], 0, payload.Length + 4));
    }

    [TestMethod]
    public void Decompress_TruncatedBlock_ThrowsInvalidDataAndNextBlockStillDecodes()
    {
        var decompressor = new SnappyIntoFloats();
        var payload = Payload(5_000, seed: 2);
        var compressed = Snappier.Snappy.CompressToArray(payload);
        var target = new float[5_000];

        Assert.ThrowsExactly<InvalidDataException>(() => decompressor.Decompress(compressed.AsMemory(0, compressed.Length / 2), target, 0, payload.Length));
        decompressor.Decompress(compressed, target, 0, payload.Length);

        CollectionAssert.AreEqual(payload, MemoryMarshal.AsBytes(target.AsSpan()).ToArray());
    }

    [TestMethod]
    public void Decompress_RangePastTheArray_ThrowsBeforeWriting()
    {
        var payload = Payload(100, seed: 4);
        var target = new float[100];

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SnappyIntoFloats().Decompress(Snappier.Snappy.CompressToArray(payload), target, 4, payload.Length));
        Assert.IsTrue(target.All(v => v == 0));
    }
}
