using Microsoft.ML.MissingModality.Avr;

namespace Microsoft.ML.MissingModality.Tests.Avr;

[TestClass]
public sealed class AvrModelConfigTests
{
    private static AvrModelConfig Config() => new()
    {
        AudioDimensions = [10, 128], VisualDimensions = [10, 64, 7, 7], StartStep = 1, ClampOriginal = 3, KeepRealModality = true, NoiseSeed = 5,
    };

    [TestMethod]
    public void ToJson_FromJson_RoundTripsEveryOption()
    {
        var config = Config();
        var back = AvrModelConfig.FromJson(config.ToJson());
        Assert.AreEqual(config.ToJson(), back.ToJson());
        Assert.AreEqual(7, back.ToNetworkConfig().VisualHeight);
        Assert.AreEqual(new MissingModality.Diffusion.EnhancementSettings(1, DiffusionSampler.Ddpm, 3, true), back.Enhancement);
    }

    [TestMethod]
    public void FromJson_NewerFormat_FailsSayingToUpgrade()
    {
        string json = Config().ToJson().Replace($"\"Format\":{AvrModelConfig.CurrentFormat}", "\"Format\":9", StringComparison.Ordinal);
        var error = Assert.ThrowsExactly<InvalidDataException>(() => AvrModelConfig.FromJson(json));
        StringAssert.Contains(error.Message, "format 9");
        StringAssert.Contains(error.Message, "Upgrade");
    }

    [TestMethod]
    public void FromJson_StartStepBeyondTheChain_FailsWithInvalidData()
    {
        string json = Config().ToJson().Replace("\"StartStep\":1", "\"StartStep\":11", StringComparison.Ordinal);
        Assert.ThrowsExactly<InvalidDataException>(() => AvrModelConfig.FromJson(json));
    }

    [TestMethod]
    public void ToNetworkConfig_PooledVisual_IsAOneByOneMap()
    {
        var network = (Config() with { VisualDimensions = [10, 64] }).ToNetworkConfig();
        Assert.AreEqual(1, network.VisualHeight);
        Assert.AreEqual(1, network.VisualWidth);
    }
}
