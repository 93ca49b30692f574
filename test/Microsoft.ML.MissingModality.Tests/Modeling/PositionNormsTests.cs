using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Modeling;

[TestClass]
public sealed class PositionNormsTests
{
    private const float Floor = 1e-12f;

    [TestMethod]
    [DataRow(new long[] { 2, 3, 5, 7 })]        // fewer positions than a vector: the scalar tail only
    [DataRow(new long[] { 1, 2, 64, 196 })]     // MUSIC-AVQA's 14 × 14 positions: vectors and a tail
    [DataRow(new long[] { 4, 3, 1 })]           // one map, pooled features (P = 1)
    public void Compute_MapsWithoutGradient_EqualLibtorchNorm(long[] shape)
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var maps = randn(shape);
        var expected = maps.norm(-2, keepdim: false, p: 2);
        var actual = PositionNorms.Compute(maps, Floor);
        CollectionAssert.AreEqual(expected.shape, actual.shape);
        Assert.IsTrue(actual.allclose(expected, rtol: 1e-5, atol: 1e-7), $"max difference {(actual - expected).abs().max().item<float>()}");
    }

    [TestMethod]
    public void Compute_AllZeroPosition_ReturnsFloor()
    {
        using var scope = NewDisposeScope();
        var maps = zeros(1, 1, 16, 9);
        Assert.AreEqual(1e-12f, PositionNorms.Compute(maps, Floor).max().item<float>());
    }

    [TestMethod]
    public void Compute_MapRequiringGradient_SameNormsAndGradientReachesMap()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var data = randn(2, 3, 8, 10);
        var maps = data.clone().requires_grad_(true);
        var norms = PositionNorms.Compute(maps, Floor);
        Assert.IsTrue(norms.allclose(PositionNorms.Compute(data, Floor), rtol: 1e-5, atol: 1e-7));
        norms.sum().backward();
        // d‖v_p‖/dv = v / ‖v_p‖.
        Assert.IsTrue(maps.grad!.allclose(data / data.norm(-2, keepdim: true, p: 2), rtol: 1e-4, atol: 1e-6));
    }

    [TestMethod]
    public void Compute_ContiguousViewAtAnOffset_ReadsTheViewsOwnMaps()
    {
        // A batch's rows cut out of a larger tensor (narrow on the first dimension) stay contiguous but start at an
        // offset into their storage; the kernel must read from the view's first element, not the storage's.
        using var scope = NewDisposeScope();
        manual_seed(5);
        var whole = randn(5, 3, 16, 9);
        var rows = whole.narrow(0, 2, 2);
        Assert.IsTrue(rows.is_contiguous());
        Assert.IsTrue(PositionNorms.Compute(rows, Floor).allclose(rows.norm(-2, keepdim: false, p: 2), rtol: 1e-5, atol: 1e-7));
    }

    [TestMethod]
    public void Compute_NonContiguousMaps_EqualLibtorchNorm()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var maps = randn(2, 3, 7, 6).transpose(-1, -2);   // [2, 3, 6, 7], a strided view
        Assert.IsTrue(PositionNorms.Compute(maps, Floor).allclose(maps.norm(-2, keepdim: false, p: 2), rtol: 1e-5, atol: 1e-7));
    }
}
