using Microsoft.ML.MissingModality.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Training;

[TestClass]
public sealed class BatchTensorsTests
{
    [TestMethod]
    public void Rows_CpuFullBatch_IsTheArrayItselfNotACopy()
    {
        var values = new float[] { 1, 2, 3, 4, 5, 6 };
        using var scope = NewDisposeScope();

        var rows = BatchTensors.Rows(values, rows: 2, length: 3, CPU);
        values[4] = 50;

        CollectionAssert.AreEqual(new long[] { 2, 3 }, rows.shape);
        CollectionAssert.AreEqual(new[] { 1f, 2, 3, 4, 50, 6 }, rows.data<float>().ToArray());
    }

    [TestMethod]
    public void Rows_ShortLastBatch_HoldsOnlyTheFilledRows()
    {
        var values = new float[] { 1, 2, 3, 4, 5, 6 };
        using var scope = NewDisposeScope();

        var rows = BatchTensors.Rows(values, rows: 1, length: 3, CPU);

        CollectionAssert.AreEqual(new long[] { 1, 3 }, rows.shape);
        CollectionAssert.AreEqual(new[] { 1f, 2, 3 }, rows.data<float>().ToArray());
    }

    [TestMethod]
    public void Rows_ZeroLength_EmptyTensor()
    {
        using var scope = NewDisposeScope();

        var rows = BatchTensors.Rows([], rows: 2, length: 0, CPU);

        CollectionAssert.AreEqual(new long[] { 2, 0 }, rows.shape);
    }

    [TestMethod]
    public void CopyTo_TransposedTensor_CopiesTheValuesInRowMajorOrder()
    {
        using var scope = NewDisposeScope();
        var transposed = arange(6, dtype: ScalarType.Float32).view(2, 3).t();          // [[0, 3], [1, 4], [2, 5]]
        var destination = new float[6];

        BatchTensors.CopyTo(transposed, destination);

        CollectionAssert.AreEqual(transposed.contiguous().data<float>().ToArray(), destination);
        CollectionAssert.AreEqual(new[] { 0f, 3, 1, 4, 2, 5 }, destination);
    }

    [TestMethod]
    public void CopyTo_WrongLength_ThrowsNamingBothSizes()
    {
        using var scope = NewDisposeScope();
        var error = Assert.ThrowsExactly<ArgumentException>(() => BatchTensors.CopyTo(ones(4), new float[3]));
        StringAssert.Contains(error.Message, "4 values");
        StringAssert.Contains(error.Message, "holds 3");
    }
}
