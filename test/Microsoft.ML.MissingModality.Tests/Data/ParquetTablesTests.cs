using System.Runtime.InteropServices;
using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Tests.Data;

[TestClass]
public sealed class ParquetTablesTests
{
    [TestMethod]
    [DataRow(0)]
    [DataRow(3)]
    [DataRow(61)]
    public void CopyDownCheckingFinite_OverlappingMoveDown_MovesEveryValue(int shiftBytes)
    {
        var values = Enumerable.Range(0, 1003).Select(i => i * 0.5f - 7f).ToArray();
        var buffer = new byte[shiftBytes + values.Length * 4];
        MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(buffer.AsSpan(shiftBytes));

        bool finite = ParquetTables.CopyDownCheckingFinite(buffer.AsSpan(shiftBytes), buffer);

        Assert.IsTrue(finite);
        CollectionAssert.AreEqual(values, MemoryMarshal.Cast<byte, float>(buffer.AsSpan(0, values.Length * 4)).ToArray());
    }

    [TestMethod]
    public void CopyDownCheckingFinite_OneNonFiniteAnywhere_ReportsIt()
    {
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            foreach (int at in new[] { 0, 7, 8, 500, 1002 }) // in a vector, at a vector's edge, in the tail
            {
                var values = new float[1003];
                values[at] = bad;
                var destination = new byte[values.Length * 4];

                Assert.IsFalse(ParquetTables.CopyDownCheckingFinite(MemoryMarshal.AsBytes(values.AsSpan()), destination), $"{bad} at {at}");
            }
        }
    }
}
