using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Modeling;

namespace Microsoft.ML.MissingModality.Tests.Modeling;

[TestClass]
public sealed class AvstConfigTests
{
    [TestMethod]
    public void ForFeatures_MusicAvqa_TakesShapesFromDataAndPaperDefaults()
    {
        var config = AvstConfig.ForFeatures(FeatureShape.MusicAvqa, vocabularySize: 93).Validate();
        Assert.AreEqual(10, config.Segments);
        Assert.AreEqual(128, config.AudioDim);
        Assert.AreEqual(512, config.VisualChannels);
        Assert.AreEqual(196, config.VisualPositions);
        Assert.AreEqual(93, config.VocabularySize);
        Assert.AreEqual(14, config.MaxQuestionTokens);
        Assert.AreEqual(512, config.HiddenSize);
        Assert.AreEqual(512, config.WordEmbeddingSize);
        Assert.AreEqual(4, config.AttentionHeads);
        Assert.AreEqual(512, config.FeedForwardWidth);
        Assert.AreEqual(0.1, config.Dropout);
        Assert.AreEqual(42, config.AnswerCount);
        Assert.AreEqual(0.5, config.MatchingLossWeight);
    }

    [TestMethod]
    public void ForFeatures_PooledVisual_HasOnePosition()
    {
        var config = AvstConfig.ForFeatures(new FeatureShape(10, 128, [512]), vocabularySize: 93);
        Assert.AreEqual(1, config.VisualPositions);
    }

    [TestMethod]
    public void Validate_InvalidSizes_ThrowsNamingTheSize()
    {
        var good = AvstTestData.Config();
        good.Validate();
        AssertInvalid(good with { AttentionHeads = 3 }, "AttentionHeads");
        AssertInvalid(good with { VocabularySize = 0 }, "VocabularySize");
        AssertInvalid(good with { QuestionInput = QuestionInputKind.Vector, QuestionVectorSize = 0 }, "QuestionVectorSize");
        AssertInvalid(good with { VisualPositions = 0 }, "VisualPositions");
        AssertInvalid(good with { Dropout = 1.0 }, "Dropout");
        AssertInvalid(good with { MatchingLossWeight = -1 }, "MatchingLossWeight");
        AssertInvalid(good with { AnswerCount = 1 }, "AnswerCount");
        AssertInvalid(good with { FeedForwardSize = 0 }, "FeedForwardSize");
    }

    private static void AssertInvalid(AvstConfig config, string name)
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => config.Validate());
        StringAssert.Contains(error.Message, name);
    }
}
