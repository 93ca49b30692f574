using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Data;

[TestClass]
public sealed class NpyFileTests : TempDirectoryTest
{
    [TestMethod]
    [DataRow(1, false)]
    [DataRow(1, true)]
    [DataRow(2, false)]
    [DataRow(2, true)]
    [DataRow(3, false)]
    [DataRow(3, true)]
    public void Read_VersionAndOrder_ValuesInCOrder(int version, bool fortran)
    {
        int[] shape = [3, 4, 2];
        float[] values = Enumerable.Range(0, 24).Select(i => i * 0.5f).ToArray();
        string path = Path.Combine(Root, "a.npy");
        NpyWriter.Write(path, shape, values, version, fortran);

        var array = NpyFile.Read(path);

        CollectionAssert.AreEqual(shape, array.Shape.ToArray());
        CollectionAssert.AreEqual(values, array.Values);
    }

    [TestMethod]
    public void Read_Truncated_NamesFile()
    {
        string path = Path.Combine(Root, "a.npy");
        NpyWriter.Write(path, [10, 4], new float[40]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 7)]);

        var e = Assert.ThrowsExactly<AvqaDataException>(() => NpyFile.Read(path));

        Assert.AreEqual(path, e.File);
        StringAssert.Contains(e.Message, "Truncated data");
    }

    [TestMethod]
    public void Read_NotNpy_NamesFile()
    {
        string path = Path.Combine(Root, "a.npy");
        File.WriteAllText(path, "hello, this is not numpy");

        var e = Assert.ThrowsExactly<AvqaDataException>(() => NpyFile.Read(path));

        StringAssert.Contains(e.Message, "a.npy");
        StringAssert.Contains(e.Message, "magic");
    }

    [TestMethod]
    public void Read_IntegerDtype_Fails()
    {
        string path = Path.Combine(Root, "a.npy");
        NpyWriter.Write(path, [2], new float[2]);
        var bytes = File.ReadAllBytes(path);
        int at = System.Text.Encoding.Latin1.GetString(bytes).IndexOf("<f4", StringComparison.Ordinal);
        bytes[at + 1] = (byte)'i';
        File.WriteAllBytes(path, bytes);

        var e = Assert.ThrowsExactly<AvqaDataException>(() => NpyFile.Read(path));

        StringAssert.Contains(e.Message, "<i4");
    }

    [TestMethod]
    public void Write_ThenRead_RoundTripsShapeAndValues()
    {
        string path = Path.Combine(Root, "a.npy");
        float[] values = [.. Enumerable.Range(0, 2 * 3 * 4).Select(i => i * 0.5f - 3)];
        NpyFile.Write(path, values, [2, 3, 4]);
        var read = NpyFile.Read(path);
        CollectionAssert.AreEqual(new[] { 2, 3, 4 }, read.Shape.ToArray());
        CollectionAssert.AreEqual(values, read.Values);
        Assert.AreEqual(0, (new FileInfo(path).Length - 4 * values.Length) % 64, "header padded so the data starts 64-byte aligned, as NumPy writes it");
        Assert.HasCount(1, Directory.GetFiles(Root), "no temporary file left");
    }

    [TestMethod]
    public void Write_ExistingFile_RefusedUnlessOverwrite()
    {
        string path = Path.Combine(Root, "a.npy");
        NpyFile.Write(path, [1f], [1]);
        Assert.ThrowsExactly<OutputExistsException>(() => NpyFile.Write(path, [2f, 3f], [2]));
        CollectionAssert.AreEqual(new[] { 1f }, NpyFile.Read(path).Values);
        NpyFile.Write(path, [2f, 3f], [2], overwrite: true);
        CollectionAssert.AreEqual(new[] { 2f, 3f }, NpyFile.Read(path).Values);
    }

    [TestMethod]
    public void Write_ShapeDoesNotMatchValues_ThrowsNamingBoth()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => NpyFile.Write(Path.Combine(Root, "a.npy"), new float[5], [2, 3]));
        StringAssert.Contains(error.Message, "(2, 3) holds 6 values, not 5");
        Assert.IsEmpty(Directory.GetFiles(Root));
    }
}
