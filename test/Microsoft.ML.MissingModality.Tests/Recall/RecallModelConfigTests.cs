using Microsoft.ML.MissingModality.Recall;

namespace Microsoft.ML.MissingModality.Tests.Recall;

[TestClass]
public sealed class RecallModelConfigTests
{
    private static RecallModelConfig Rmm() => new()
    {
        Method = RecallMethod.Rmm, AudioDimensions = [10, 128], VisualDimensions = [10, 512, 14, 14], Slots = 75,
        Addressing = SlotAddressing.Cosine, Combination = SlotCombination.NormalizedProduct, QuestionHiddenSize = 256,
        QuestionIsTokens = true, VocabularySize = 93,
    };

    [TestMethod]
    public void FromJson_WhatToJsonWrote_SameConfig()
    {
        var config = Rmm();
        var back = RecallModelConfig.FromJson(config.ToJson());
        Assert.AreEqual(config.ToJson(), back.ToJson());
        Assert.AreEqual(196, back.Shape.VisualPositions);
        StringAssert.Contains(config.ToJson(), "\"Cosine\"", "enums are saved by name, so reordering them cannot change a saved model");
    }

    [TestMethod]
    public void FromJson_NewerFormat_FailsSayingToUpgrade()
    {
        string json = Rmm().ToJson().Replace($"\"Format\":{RecallModelConfig.CurrentFormat}", "\"Format\":7", StringComparison.Ordinal);
        var error = Assert.ThrowsExactly<InvalidDataException>(() => RecallModelConfig.FromJson(json));
        StringAssert.Contains(error.Message, "format 7");
        StringAssert.Contains(error.Message, "Upgrade");
    }

    [TestMethod]
    public void FromJson_FormatOneWithoutAddressingScale_ReadsScaleOneAndLoadsWeightsLeniently()
    {
        string json = Rmm().ToJson().Replace($"\"Format\":{RecallModelConfig.CurrentFormat}", "\"Format\":1", StringComparison.Ordinal);
        json = System.Text.RegularExpressions.Regex.Replace(json, "\"AddressingScale\":[^,}]+,?", "");
        var config = RecallModelConfig.FromJson(json);
        Assert.AreEqual(1, config.AddressingScale);
        Assert.IsFalse(config.LearnAddressingScale);
        Assert.IsFalse(config.WeightsComplete, "a format-1 state dict has no addressing scales");
        Assert.IsTrue(RecallModelConfig.FromJson(Rmm().ToJson()).WeightsComplete);
    }

    [TestMethod]
    public void FromJson_Garbage_FailsWithInvalidData() =>
        Assert.ThrowsExactly<InvalidDataException>(() => RecallModelConfig.FromJson("{not json"));
}
