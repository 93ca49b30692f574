using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Avr;

[TestClass]
public sealed class AvrNetworkStandardizationTests
{
    private static readonly AvrConfig Config = new() { AudioDim = 6, VisualChannels = 5, VisualHeight = 3, VisualWidth = 4, Width = 8, Blocks = 1 };

    [TestMethod]
    public void Standardize_SetStatistics_EqualsSubtractAndDivide()
    {
        using var scope = NewDisposeScope();
        using var network = Standardized(out var audioStats, out var visualStats);
        var (audio, visual) = Inputs(audioStats, visualStats);

        var (a, v) = network.Standardize(audio, visual);

        AssertClose((audio - audioStats.Mean) / audioStats.Std, a);
        AssertClose((visual - visualStats.Mean.view(1, -1, 1, 1)) / visualStats.Std.view(1, -1, 1, 1), v);
        Assert.AreEqual(0.0, a.mean().item<float>(), 0.3, "standardised audio is centred");
    }

    [TestMethod]
    public void Restore_AfterStandardize_ReturnsTheFeatures()
    {
        using var scope = NewDisposeScope();
        using var network = Standardized(out var audioStats, out var visualStats);
        var (audio, visual) = Inputs(audioStats, visualStats);

        var (a, v) = network.Standardize(audio, visual);
        var (restoredAudio, restoredVisual) = network.Restore(a, v);

        AssertClose(audio, restoredAudio);
        AssertClose(visual, restoredVisual);
    }

    [TestMethod]
    public void Standardize_InputNeedsGradient_GradientIsInverseScale()
    {
        using var scope = NewDisposeScope();
        using var network = Standardized(out _, out var visualStats);
        var visual = randn(2, Config.VisualChannels, Config.VisualHeight, Config.VisualWidth).requires_grad_(true);

        var (_, v) = network.Standardize(zeros(2, Config.AudioDim), visual);
        v.sum().backward();

        var expected = visualStats.Std.reciprocal().view(1, -1, 1, 1).expand_as(visual);
        AssertClose(expected, visual.grad!);
    }

    // Statistics far from 0 and 1 per feature, so that a transposed or missing term shows.
    private static AvrNetwork Standardized(out (Tensor Mean, Tensor Std) audio, out (Tensor Mean, Tensor Std) visual)
    {
        var network = new AvrNetwork(Config, new Generator(3));
        audio = (arange(Config.AudioDim, dtype: ScalarType.Float32) * 2 - 3, arange(Config.AudioDim, dtype: ScalarType.Float32) * 0.5f + 0.25f);
        visual = (arange(Config.VisualChannels, dtype: ScalarType.Float32) * -4 + 7, arange(Config.VisualChannels, dtype: ScalarType.Float32) + 0.5f);
        network.SetStandardization(audio, visual);
        return network;
    }

    private static (Tensor Audio, Tensor Visual) Inputs((Tensor Mean, Tensor Std) audio, (Tensor Mean, Tensor Std) visual)
    {
        manual_seed(5);
        return (randn(7, Config.AudioDim) * audio.Std + audio.Mean,
                randn(7, Config.VisualChannels, Config.VisualHeight, Config.VisualWidth) * visual.Std.view(1, -1, 1, 1) + visual.Mean.view(1, -1, 1, 1));
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        CollectionAssert.AreEqual(expected.shape, actual.shape);
        double tolerance = 1e-5 * Math.Max(1, expected.abs().max().item<float>());
        double error = (expected - actual).abs().max().item<float>();
        Assert.IsTrue(error <= tolerance, $"max |difference| {error} > {tolerance}");
    }
}
