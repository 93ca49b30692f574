using Microsoft.ML.MissingModality.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Diffusion;

[TestClass]
public sealed class FusedCombineTests
{
    [TestMethod]
    [DataRow(new long[] { 3, 5, 7 })]          // rows shorter than a vector: the scalar tail only
    [DataRow(new long[] { 2, 70003 })]         // a row cut into two chunks, the second with a tail
    public void Sum_ThreeTerms_EqualsLibtorch(long[] shape)
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        var (x, y, z) = (randn(shape), randn(shape), randn(shape));
        long rows = shape[0];
        double[] a = [.. Enumerable.Range(0, (int)rows).Select(r => 0.3 + r)], b = [.. a.Select(v => -v / 7)], c = [.. a.Select(v => v / 3)];
        var expected = PerRow(a, x) * x + PerRow(b, x) * y + PerRow(c, x) * z;
        AssertClose(expected, FusedCombine.Sum(a, x, b, y, c, z));
        AssertClose(PerRow(a, x) * x + PerRow(b, x) * y, FusedCombine.Sum(a, x, b, y));
    }

    [TestMethod]
    public void Supports_GradientWanted_IsFalseUnlessGradIsOff()
    {
        using var scope = NewDisposeScope();
        var x = randn(2, 3);
        var y = randn(2, 3).requires_grad_(true);
        Assert.IsTrue(FusedCombine.Supports(x, x));
        Assert.IsFalse(FusedCombine.Supports(x, y));
        Assert.IsFalse(FusedCombine.Supports(x, randn(2, 4)));
        Assert.IsFalse(FusedCombine.Supports(x, randn(2, 3, dtype: ScalarType.Float64)));
        using (no_grad())
            Assert.IsTrue(FusedCombine.Supports(x, y));
    }

    [TestMethod]
    public void SchedulerStep_DataWithoutGradient_SameAsLibtorchPath()
    {
        // The same step on the same values, once as data (the fused pass) and once through tensors that need a
        // gradient (libtorch's operations): q_sample, x̂_0 with and without the clamp, and the posterior step with noise.
        using var scope = NewDisposeScope();
        manual_seed(22);
        var scheduler = new DiffusionScheduler(BetaSchedule.Linear, 10, betaStart: 0.01, betaEnd: 0.1);
        var (x0, noise, output, z) = (randn(4, 8, 3, 3), randn(4, 8, 3, 3), randn(4, 8, 3, 3), randn(4, 8, 3, 3));
        long[] steps = [0, 3, 7, 9];
        foreach (var clamp in new double?[] { null, 1.0 })
        {
            var fused = scheduler.Step(output, 5, scheduler.AddNoise(x0, noise, steps), DiffusionPrediction.Noise, z, clamp);
            var withGradient = x0.clone().requires_grad_(true);
            var reference = scheduler.Step(output, 5, scheduler.AddNoise(withGradient, noise, steps), DiffusionPrediction.Noise, z, clamp);
            Assert.IsTrue(reference.requires_grad, "the reference took libtorch's path");
            AssertClose(reference.detach(), fused);
        }
        AssertClose(scheduler.PredictOriginal(x0.clone().requires_grad_(true), output, steps, DiffusionPrediction.Velocity).detach(),
            scheduler.PredictOriginal(x0, output, steps, DiffusionPrediction.Velocity));
    }

    private static Tensor PerRow(double[] coefficients, Tensor like) =>
        tensor(coefficients.Select(c => (float)c).ToArray(), [coefficients.Length, .. Enumerable.Repeat(1L, (int)like.dim() - 1)]);

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        CollectionAssert.AreEqual(expected.shape, actual.shape);
        float scale = Math.Max(expected.abs().max().item<float>(), 1e-6f);
        float difference = (expected - actual).abs().max().item<float>();
        Assert.IsLessThan(1e-6f * scale, difference, $"max difference {difference} against max {scale}");
    }
}
