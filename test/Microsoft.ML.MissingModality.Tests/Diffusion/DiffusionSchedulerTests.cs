using Microsoft.ML.MissingModality.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Diffusion;

[TestClass]
public sealed class DiffusionSchedulerTests
{
    private static readonly double[] PublicSigmoidBetas = [.0395, .0675, .1106, .1704, .2435, .3218, .4003, .4870, .6214, .999];

    [TestMethod]
    public void Constructor_LinearDdpm_PosteriorVarianceMatchesGoldenNumbers()
    {
        var scheduler = new DiffusionScheduler(BetaSchedule.Linear, 1000);
        Assert.AreEqual(1e-4, scheduler.Betas[0], 1e-12);
        Assert.AreEqual(0.02, scheduler.Betas[999], 1e-12);
        Assert.AreEqual(0.0, scheduler.PosteriorVariance[0], 1e-12);
        Assert.AreEqual(0.00979, scheduler.PosteriorVariance[487], 1e-5);
        Assert.AreEqual(0.02, scheduler.PosteriorVariance[999], 1e-4);
    }

    [TestMethod]
    public void Constructor_LinearOtherSteps_ScalesDdpmEndsByThousandOverSteps()
    {
        var scheduler = new DiffusionScheduler(BetaSchedule.Linear, 100);
        Assert.AreEqual(1e-3, scheduler.Betas[0], 1e-12);
        Assert.AreEqual(0.2, scheduler.Betas[99], 1e-12);
    }

    [TestMethod]
    public void Constructor_LinearExplicitEnds_UsesThemAsGiven()
    {
        var scheduler = new DiffusionScheduler(BetaSchedule.Linear, 10, betaStart: 0.01, betaEnd: 0.1);
        Assert.AreEqual(0.01, scheduler.Betas[0], 1e-12);
        Assert.AreEqual(0.02, scheduler.Betas[1], 1e-12);
        Assert.AreEqual(0.1, scheduler.Betas[9], 1e-12);
    }

    [TestMethod]
    [DataRow(BetaSchedule.Linear, 1000)]
    [DataRow(BetaSchedule.Cosine, 1000)]
    [DataRow(BetaSchedule.Sigmoid, 10)]
    [DataRow(BetaSchedule.Cosine, 1)]
    public void Constructor_AnySchedule_AlphasCumulativeDecreaseFromBelowOne(BetaSchedule schedule, int steps)
    {
        var scheduler = new DiffusionScheduler(schedule, steps);
        Assert.AreEqual(steps, scheduler.Steps);
        Assert.HasCount(steps, scheduler.AlphasCumulative);
        Assert.IsLessThan(1.0, scheduler.AlphasCumulative[0]);
        for (int t = 1; t < steps; t++)
        {
            Assert.IsLessThan(scheduler.AlphasCumulative[t - 1], scheduler.AlphasCumulative[t], $"t = {t}");
            Assert.AreEqual(scheduler.AlphasCumulative[t - 1], scheduler.AlphasCumulativePrevious[t], 1e-15);
        }
        Assert.AreEqual(1.0, scheduler.AlphasCumulativePrevious[0]);
    }

    [TestMethod]
    public void Constructor_SigmoidTenSteps_MatchesPublicCodeBetas()
    {
        var scheduler = new DiffusionScheduler(BetaSchedule.Sigmoid, 10);
        Assert.HasCount(10, scheduler.Betas);
        for (int t = 0; t < 10; t++)
            Assert.AreEqual(PublicSigmoidBetas[t], scheduler.Betas[t], 5e-4, $"beta {t}");
    }

    [TestMethod]
    public void Constructor_Cosine_BetasInRangeAndLastAlphaCumulativeNearZero()
    {
        var scheduler = new DiffusionScheduler(BetaSchedule.Cosine, 1000);
        foreach (double beta in scheduler.Betas)
        {
            Assert.IsGreaterThan(0.0, beta);
            Assert.IsLessThanOrEqualTo(0.999, beta);
        }
        Assert.AreEqual(0.999, scheduler.Betas[999], 1e-12);
        Assert.IsLessThan(1e-4, scheduler.AlphasCumulative[999]);
    }

    [TestMethod]
    public void Constructor_StepsBelowOne_ThrowsOutOfRange()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DiffusionScheduler(BetaSchedule.Sigmoid, 0));
    }

    [TestMethod]
    public void Constructor_RescaledLinearTooFewSteps_ThrowsSayingWhatToPass()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new DiffusionScheduler(BetaSchedule.Linear, 10));
        StringAssert.Contains(error.Message, "betaEnd");
    }

    [TestMethod]
    public void Constructor_BetaEndsForNonLinearSchedule_Throws()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new DiffusionScheduler(BetaSchedule.Cosine, 10, betaStart: 0.01));
        Assert.ThrowsExactly<ArgumentException>(() => new DiffusionScheduler(BetaSchedule.Linear, 10, betaStart: 0.2, betaEnd: 0.1));
    }

    [TestMethod]
    public void AddNoise_PerRowTimesteps_BroadcastsEachRowsCoefficient()
    {
        using var scope = NewDisposeScope();
        var scheduler = new DiffusionScheduler(BetaSchedule.Sigmoid, 10);
        long[] t = [1, 8];
        var xt = scheduler.AddNoise(ones(2, 3, 4), zeros(2, 3, 4), t);
        var noiseOnly = scheduler.AddNoise(zeros(2, 3, 4), ones(2, 3, 4), tensor(t));
        for (int row = 0; row < 2; row++)
        {
            Assert.IsTrue(xt[row].allclose(full(3, 4, scheduler.SqrtAlphasCumulative[(int)t[row]]), rtol: 1e-6, atol: 1e-7), $"row {row}");
            Assert.IsTrue(noiseOnly[row].allclose(full(3, 4, scheduler.SqrtOneMinusAlphasCumulative[(int)t[row]]), rtol: 1e-6, atol: 1e-7), $"row {row}");
        }
        Assert.AreNotEqual(xt[0, 0, 0].item<float>(), xt[1, 0, 0].item<float>());
    }

    [TestMethod]
    public void AddNoise_Float64Input_KeepsDtype()
    {
        using var scope = NewDisposeScope();
        var scheduler = new DiffusionScheduler(BetaSchedule.Sigmoid, 10);
        var xt = scheduler.AddNoise(ones(2, 3, dtype: float64), ones(2, 3, dtype: float64), [0, 9]);
        Assert.AreEqual(ScalarType.Float64, xt.dtype);
        Assert.AreEqual(scheduler.SqrtAlphasCumulative[9] + scheduler.SqrtOneMinusAlphasCumulative[9], xt[1, 0].item<double>(), 1e-12);
    }

    [TestMethod]
    public void AddNoise_TimestepOutOfRange_ThrowsOutOfRange()
    {
        using var scope = NewDisposeScope();
        var scheduler = new DiffusionScheduler(BetaSchedule.Sigmoid, 10);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => scheduler.AddNoise(ones(2, 3), ones(2, 3), [0, 10]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => scheduler.AddNoise(ones(2, 3), ones(2, 3), tensor(new long[] { -1, 0 })));
    }

    [TestMethod]
    public void AddNoise_BadArguments_ThrowsArgumentException()
    {
        using var scope = NewDisposeScope();
        var scheduler = new DiffusionScheduler(BetaSchedule.Sigmoid, 10);
        Assert.ThrowsExactly<ArgumentException>(() => scheduler.AddNoise(ones(2, 3), ones(2, 3), [0]));
        Assert.ThrowsExactly<ArgumentException>(() => scheduler.AddNoise(ones(2, 3), ones(2, 4), [0, 1]));
        Assert.ThrowsExactly<ArgumentException>(() => scheduler.AddNoise(ones(2, 3), ones(2, 3), tensor(new float[] { 0, 1 })));
    }

    [TestMethod]
    public void PredictOriginal_ExactNoise_RecoversX0()
    {
        using var scope = NewDisposeScope();
        var scheduler = new DiffusionScheduler(BetaSchedule.Linear, 1000);
        var (x0, noise) = Draw(3, seed: 1);
        long[] t = [0, 487, 999];
        var xt = scheduler.AddNoise(x0, noise, t);
        var target = scheduler.Target(x0, noise, t, DiffusionPrediction.Noise);
        Assert.IsTrue(target.allclose(noise, rtol: 0, atol: 0));
        AssertClose(x0, scheduler.PredictOriginal(xt, target, t, DiffusionPrediction.Noise), 1e-4);
    }

    [TestMethod]
    [DataRow(BetaSchedule.Sigmoid, 10)]
    [DataRow(BetaSchedule.Cosine, 1000)]
    public void PredictOriginal_ExactVelocity_RecoversX0(BetaSchedule schedule, int steps)
    {
        using var scope = NewDisposeScope();
        var scheduler = new DiffusionScheduler(schedule, steps);
        var (x0, noise) = Draw(3, seed: 2);
        long[] t = [0, steps / 2, steps - 1];
        var xt = scheduler.AddNoise(x0, noise, t);
        var v = scheduler.Target(x0, noise, t, DiffusionPrediction.Velocity);
        AssertClose(x0, scheduler.PredictOriginal(xt, v, tensor(t), DiffusionPrediction.Velocity), 1e-4);
    }

    [TestMethod]
    public void PredictOriginal_Clamp_LimitsRange()
    {
        using var scope = NewDisposeScope();
        var scheduler = new DiffusionScheduler(BetaSchedule.Sigmoid, 10);
        var x0 = scheduler.PredictOriginal(full(2, 3, 5f), zeros(2, 3), [9, 9], DiffusionPrediction.Noise, clampOriginal: 1);
        Assert.AreEqual(1f, x0.max().item<float>());
        Assert.AreEqual(1f, x0.min().item<float>());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => scheduler.PredictOriginal(ones(2, 3), ones(2, 3), [1, 1], DiffusionPrediction.Noise, clampOriginal: 0));
    }

    [TestMethod]
    [DataRow(DiffusionPrediction.Noise)]
    [DataRow(DiffusionPrediction.Velocity)]
    public void Step_TimestepZeroExactPrediction_ReturnsX0EvenWithNoise(DiffusionPrediction prediction)
    {
        using var scope = NewDisposeScope();
        var scheduler = new DiffusionScheduler(BetaSchedule.Sigmoid, 10);
        var (x0, noise) = Draw(2, seed: 3);
        long[] t = [0, 0];
        var xt = scheduler.AddNoise(x0, noise, t);
        var output = scheduler.Target(x0, noise, t, prediction);
        AssertClose(x0, scheduler.Step(output, 0, xt, prediction, noise: randn(2, 3, 4)), 1e-5);
    }

    [TestMethod]
    public void Step_ExactPrediction_IsPosteriorMeanPlusScaledNoise()
    {
        using var scope = NewDisposeScope();
        var scheduler = new DiffusionScheduler(BetaSchedule.Sigmoid, 10);
        var (x0, noise) = Draw(2, seed: 4);
        const int t = 5;
        var xt = scheduler.AddNoise(x0, noise, [t, t]);
        var v = scheduler.Target(x0, noise, [t, t], DiffusionPrediction.Velocity);
        var mean = x0 * scheduler.PosteriorMeanCoefficientOriginal[t] + xt * scheduler.PosteriorMeanCoefficientCurrent[t];
        AssertClose(mean, scheduler.Step(v, t, xt, DiffusionPrediction.Velocity), 1e-5);

        var z = randn(2, 3, 4, generator: new Generator(5));
        var sampled = scheduler.Step(v, t, xt, DiffusionPrediction.Velocity, noise: z);
        AssertClose(mean + z * Math.Sqrt(scheduler.PosteriorVariance[t]), sampled, 1e-5);
    }

    [TestMethod]
    public void Step_TimestepOutOfRange_ThrowsOutOfRange()
    {
        using var scope = NewDisposeScope();
        var scheduler = new DiffusionScheduler(BetaSchedule.Sigmoid, 10);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => scheduler.Step(ones(2, 3), 10, ones(2, 3), DiffusionPrediction.Noise));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => scheduler.Step(ones(2, 3), -1, ones(2, 3), DiffusionPrediction.Noise));
    }

    [TestMethod]
    [DataRow(DiffusionPrediction.Noise)]
    [DataRow(DiffusionPrediction.Velocity)]
    public void DdimStep_ToMinusOneExactPrediction_ReturnsX0(DiffusionPrediction prediction)
    {
        using var scope = NewDisposeScope();
        var scheduler = new DiffusionScheduler(BetaSchedule.Sigmoid, 10);
        var (x0, noise) = Draw(2, seed: 6);
        const int t = 6;
        var xt = scheduler.AddNoise(x0, noise, [t, t]);
        var output = scheduler.Target(x0, noise, [t, t], prediction);
        AssertClose(x0, scheduler.DdimStep(output, t, -1, xt, prediction), 1e-4);
    }

    [TestMethod]
    [DataRow(BetaSchedule.Sigmoid, 10, 10, DiffusionPrediction.Velocity)]
    [DataRow(BetaSchedule.Sigmoid, 10, 10, DiffusionPrediction.Noise)]
    [DataRow(BetaSchedule.Linear, 1000, 50, DiffusionPrediction.Noise)]
    [DataRow(BetaSchedule.Cosine, 100, 7, DiffusionPrediction.Velocity)]
    public void DdimStep_FullChainWithExactOracle_RecoversX0(BetaSchedule schedule, int steps, int samplingSteps, DiffusionPrediction prediction)
    {
        using var scope = NewDisposeScope();
        var scheduler = new DiffusionScheduler(schedule, steps);
        var (x0, noise) = Draw(2, seed: 7);
        var timesteps = scheduler.SamplingTimesteps(samplingSteps);
        var x = scheduler.AddNoise(x0, noise, [timesteps[0], timesteps[0]]);
        for (int i = 0; i < timesteps.Length; i++)
        {
            int t = timesteps[i], tPrev = i + 1 < timesteps.Length ? timesteps[i + 1] : -1;
            x = scheduler.DdimStep(Oracle(scheduler, x0, x, t, prediction), t, tPrev, x, prediction);
        }
        AssertClose(x0, x, 1e-4);
    }

    [TestMethod]
    public void DdimStep_ClampWiderThanX0_MatchesUnclamped()
    {
        using var scope = NewDisposeScope();
        var scheduler = new DiffusionScheduler(BetaSchedule.Sigmoid, 10);
        var (x0, noise) = Draw(2, seed: 8);
        const int t = 7;
        var xt = scheduler.AddNoise(x0, noise, [t, t]);
        var v = scheduler.Target(x0, noise, [t, t], DiffusionPrediction.Velocity);
        var unclamped = scheduler.DdimStep(v, t, 3, xt, DiffusionPrediction.Velocity);
        AssertClose(unclamped, scheduler.DdimStep(v, t, 3, xt, DiffusionPrediction.Velocity, clampOriginal: 1), 1e-5);
        AssertClose(scheduler.AddNoise(x0, noise, [3, 3]), unclamped, 1e-5);
    }

    [TestMethod]
    public void DdimStep_PreviousNotBeforeCurrent_ThrowsOutOfRange()
    {
        using var scope = NewDisposeScope();
        var scheduler = new DiffusionScheduler(BetaSchedule.Sigmoid, 10);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => scheduler.DdimStep(ones(2, 3), 3, 3, ones(2, 3), DiffusionPrediction.Noise));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => scheduler.DdimStep(ones(2, 3), 3, -2, ones(2, 3), DiffusionPrediction.Noise));
    }

    [TestMethod]
    public void SamplingTimesteps_FewerThanSteps_SpreadsFromLastStepDown()
    {
        var scheduler = new DiffusionScheduler(BetaSchedule.Sigmoid, 10);
        CollectionAssert.AreEqual(new[] { 9, 7, 5, 3, 1 }, scheduler.SamplingTimesteps(5));
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).Reverse().ToArray(), scheduler.SamplingTimesteps(10));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => scheduler.SamplingTimesteps(11));
    }

    // A denoiser that knows x0: the output that makes x̂0 exact at the current x_t.
    private static Tensor Oracle(DiffusionScheduler scheduler, Tensor x0, Tensor xt, int t, DiffusionPrediction prediction)
    {
        var implied = (xt - x0 * scheduler.SqrtAlphasCumulative[t]) / scheduler.SqrtOneMinusAlphasCumulative[t];
        return scheduler.Target(x0, implied, [t, t], prediction);
    }

    private static (Tensor X0, Tensor Noise) Draw(int rows, int seed)
    {
        using var generator = new Generator((ulong)seed);
        return (rand(rows, 3, 4, generator: generator) * 2 - 1, randn(rows, 3, 4, generator: generator));
    }

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        CollectionAssert.AreEqual(expected.shape, actual.shape);
        double error = (expected - actual).abs().max().item<float>();
        Assert.IsLessThan(tolerance, error, $"max |difference| {error}");
    }
}
