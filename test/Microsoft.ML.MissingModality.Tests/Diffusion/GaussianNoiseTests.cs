using System.Runtime.Intrinsics;
using Microsoft.ML.MissingModality.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Diffusion;

[TestClass]
public sealed class GaussianNoiseTests
{
    [TestMethod]
    public void Fill_ManyValues_HasStandardNormalMoments()
    {
        var values = new float[1 << 21];
        GaussianNoise.Fill(values, seed: 11);
        double sum = 0, squares = 0, fourth = 0, below = 0, max = 0;
        foreach (float v in values)
        {
            sum += v;
            squares += (double)v * v;
            fourth += (double)v * v * v * v;
            below += v < -1.959964 ? 1 : 0;
            max = Math.Max(max, Math.Abs(v));
        }
        double n = values.Length;
        Assert.AreEqual(0, sum / n, 0.003, "mean");
        Assert.AreEqual(1, squares / n, 0.005, "variance");
        Assert.AreEqual(3, fourth / n, 0.03, "fourth moment (kurtosis)");
        Assert.AreEqual(0.025, below / n, 0.001, "share below the 2.5 % quantile");
        Assert.IsTrue(max is > 4.5 and < 5.78, $"largest |z| {max}");
    }

    [TestMethod]
    public void Fill_NeighbouringValues_AreUncorrelated()
    {
        var values = new float[1 << 20];
        GaussianNoise.Fill(values, seed: 3);
        // Each pair's two normals sit half a block apart; lanes sit next to each other.
        foreach (int lag in (int[])[1, 8, GaussianNoise.BlockFloats / 2, GaussianNoise.BlockFloats])
        {
            double product = 0;
            for (int i = lag; i < values.Length; i++)
                product += (double)values[i] * values[i - lag];
            Assert.AreEqual(0, product / (values.Length - lag), 0.006, $"correlation at lag {lag}");
        }
    }

    [TestMethod]
    public void Fill_SameSeed_SameValuesAndOtherSeedOthers()
    {
        float[] first = new float[50_000], second = new float[50_000], other = new float[50_000];
        GaussianNoise.Fill(first, seed: 7);
        GaussianNoise.Fill(second, seed: 7);
        GaussianNoise.Fill(other, seed: 8);
        CollectionAssert.AreEqual(first, second);
        Assert.IsTrue(first.Zip(other).Count(p => p.First == p.Second) < 10);
    }

    [TestMethod]
    public void Fill_ShorterLength_KeepsTheWholeBlocksBefore()
    {
        // A block's values depend on the seed and its index alone, not on the length of what is filled.
        int blocks = 3, block = GaussianNoise.BlockFloats;
        float[] whole = new float[blocks * block + block], shorter = new float[blocks * block + 5];
        GaussianNoise.Fill(whole, seed: 5);
        GaussianNoise.Fill(shorter, seed: 5);
        CollectionAssert.AreEqual(whole[..(blocks * block)], shorter[..(blocks * block)]);
        Assert.IsTrue(shorter.All(float.IsFinite));
    }

    [TestMethod]
    public void Draw_RowGenerators_EachRowDependsOnItsOwnGeneratorOnly()
    {
        using var a = new Generator(21);
        using var b = new Generator(22);
        using var aAgain = new Generator(21);
        using var scope = NewDisposeScope();
        var both = GaussianNoise.Draw([2, 3, 4], [a, b]);
        var alone = GaussianNoise.Draw([2, 3, 4], [aAgain]);
        CollectionAssert.AreEqual(new long[] { 4, 3, 4 }, both.shape);
        Assert.IsTrue(both.narrow(0, 0, 2).allclose(alone, rtol: 0, atol: 0));
        Assert.IsFalse(both.narrow(0, 2, 2).allclose(alone, rtol: 0, atol: 0));
    }

    [TestMethod]
    public void Draw_SeededGenerator_AdvancesItSoNextDrawDiffers()
    {
        using var generator = new Generator(4);
        using var scope = NewDisposeScope();
        var first = GaussianNoise.Draw([1000], generator);
        var second = GaussianNoise.Draw([1000], generator);
        Assert.IsFalse(first.allclose(second, rtol: 0, atol: 0));
        Assert.AreEqual(ScalarType.Float32, first.dtype);
        Assert.AreEqual(DeviceType.CPU, first.device_type);
    }

    [TestMethod]
    public void Log_PositiveFloats_MatchesDoublePrecisionLog()
    {
        for (int k = 1; k <= 1 << 24; k += 997)
        {
            float x = k / (float)(1 << 24);
            float log = FloatMath.Log(Vector256.Create(x)).GetElement(3);
            Assert.AreEqual(Math.Log(x), log, 4e-7 * Math.Max(1, Math.Abs(Math.Log(x))), $"ln {x}");
        }
    }

    [TestMethod]
    public void SinCosOfTurn_UnitInterval_MatchesDoublePrecision()
    {
        for (int k = 0; k < 1 << 24; k += 1009)
        {
            float u = k / (float)(1 << 24);
            var (sin, cos) = FloatMath.SinCosOfTurn(Vector256.Create(u));
            Assert.AreEqual(Math.Sin(2 * Math.PI * u), sin.GetElement(5), 1e-6, $"sin 2π·{u}");
            Assert.AreEqual(Math.Cos(2 * Math.PI * u), cos.GetElement(5), 1e-6, $"cos 2π·{u}");
        }
    }
}
