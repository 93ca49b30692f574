using Microsoft.ML.MissingModality.Modeling;
using Microsoft.ML.MissingModality.Tests.Training;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Modeling;

/// <summary>
/// <see cref="RmmNetwork.ReconstructionLossAndCosine"/> computes the RMMR loss and the recall cosine through the slots'
/// Gram matrix instead of recalling the maps: it must give what recalling them gives, loss, cosine and gradients.
/// </summary>
[TestClass]
public sealed class RmmReconstructionTests
{
    private static readonly RecallShape Shape = new(Segments: 3, AudioDim: 5, VisualChannels: 4, VisualPositions: 6);

    private static RmmConfig Config(SlotAddressing addressing, SlotCombination combination, bool learnScale) => new()
    {
        Segments = Shape.Segments, AudioDim = Shape.AudioDim, VisualChannels = Shape.VisualChannels, VisualPositions = Shape.VisualPositions,
        VocabularySize = 7, QuestionHiddenSize = 8, Slots = 9, Addressing = addressing, Combination = combination, LearnAddressingScale = learnScale,
    };

    // Six rows of features with a mean away from zero (as post-ReLU maps have), so that ‖m‖² dwarfs the error a little.
    private static (Tensor Audio, Tensor Visual, Tensor Tokens) Rows()
    {
        var generator = new Generator(5);
        var audio = randn([6, Shape.Segments, Shape.AudioDim], generator: generator);
        var visual = rand([6, Shape.Segments, Shape.VisualChannels, Shape.VisualPositions], generator: generator).Times(2.0);
        var tokens = randint(1, 7, [6, 4], generator: generator);
        return (audio, visual, tokens);
    }

    private static (float Loss, float[] Cosine, Dictionary<string, float[]> Gradients) Recalled(RmmNetwork network, Tensor audio, Tensor visual, Tensor tokens)
    {
        network.zero_grad();
        var (recalledAudio, recalledVisual) = network.RecallBoth(audio, visual, tokens);
        var loss = RmmNetwork.ReconstructionLoss(recalledAudio, recalledVisual, audio, visual);
        loss.backward();
        var cosine = RecallMetrics.Cosine(recalledAudio.detach(), audio).Plus(RecallMetrics.Cosine(recalledVisual.detach(), visual)).DividedBy(2);
        return (loss.item<float>(), cosine.data<float>().ToArray(), Gradients(network));
    }

    private static (float Loss, float[] Cosine, Dictionary<string, float[]> Gradients) ClosedForm(RmmNetwork network, Tensor audio, Tensor visual, Tensor tokens)
    {
        network.zero_grad();
        var (loss, cosine) = network.ReconstructionLossAndCosine(audio, visual, tokens);
        loss.backward();
        return (loss.item<float>(), cosine.data<float>().ToArray(), Gradients(network));
    }

    private static Dictionary<string, float[]> Gradients(RmmNetwork network) =>
        network.named_parameters().Where(p => p.parameter.grad is not null).ToDictionary(p => p.name, p => p.parameter.grad!.data<float>().ToArray());

    [TestMethod]
    [DataRow(SlotAddressing.Cosine, SlotCombination.SoftmaxOfProduct, false)]
    [DataRow(SlotAddressing.Cosine, SlotCombination.NormalizedProduct, true)]
    [DataRow(SlotAddressing.ScaledDot, SlotCombination.SoftmaxOfProduct, true)]
    [DataRow(SlotAddressing.ScaledDot, SlotCombination.NormalizedProduct, false)]
    public void ReconstructionLossAndCosine_AnyAddressing_SameLossCosineAndGradientsAsRecallingTheMaps(SlotAddressing addressing, SlotCombination combination, bool learnScale)
    {
        using var scope = NewDisposeScope();
        var (audio, visual, tokens) = Rows();
        var network = new RmmNetwork(Config(addressing, combination, learnScale), new Generator(1));
        var expected = Recalled(network, audio, visual, tokens);
        var actual = ClosedForm(network, audio, visual, tokens);

        Assert.AreEqual(expected.Loss, actual.Loss, 1e-5 * Math.Abs(expected.Loss));
        Assert.HasCount(expected.Cosine.Length, actual.Cosine);
        for (int i = 0; i < expected.Cosine.Length; i++)
            Assert.AreEqual(expected.Cosine[i], actual.Cosine[i], 1e-5, $"row {i}");
        Assert.IsTrue(expected.Gradients.ContainsKey("visualSlots") && expected.Gradients.ContainsKey("audioSlots"));
        Assert.AreEqual(learnScale, expected.Gradients.ContainsKey("addressingLogScale"));
        ChunkedObjectiveTests.AssertSameGradients(expected.Gradients, actual.Gradients);
    }

    [TestMethod]
    public void ReconstructionLossAndCosine_NearPerfectRecallAtMusicAvqaMapSize_LossWithinOnePercent()
    {
        // The hard case for an expanded square: maps of 100,352 values with a mean of 1, recalled to an error of 1e-4
        // of their mean square (each slot holds one of the segments; the maps are those plus noise of 0.01).
        using var scope = NewDisposeScope();
        var config = Config(SlotAddressing.Cosine, SlotCombination.NormalizedProduct, learnScale: false)
            with { AudioDim = 64, VisualChannels = 512, VisualPositions = 196, Slots = 18, AddressingScale = 60 };
        var generator = new Generator(5);
        var audio = randn([6, 3, 64], generator: generator);
        var visual = rand([6, 3, 512, 196], generator: generator).Times(2.0);
        var tokens = randint(1, 7, [6, 4], generator: generator);
        var network = new RmmNetwork(config, new Generator(1));
        network.InitializeSlotsFromData(audio, visual, tokens, new Generator(2));
        var maps = visual.Plus(randn(visual.shape, generator: generator).Times(0.01));

        var expected = Recalled(network, audio, maps, tokens);
        var actual = ClosedForm(network, audio, maps, tokens);

        Assert.IsLessThan(2e-4, expected.Loss, "the recall should be near perfect, or the test shows nothing");
        Assert.AreEqual(expected.Loss, actual.Loss, 0.01 * expected.Loss);
        for (int i = 0; i < expected.Cosine.Length; i++)
            Assert.AreEqual(expected.Cosine[i], actual.Cosine[i], 1e-5, $"row {i}");
    }

    [TestMethod]
    public void TrainStep_RmmObjective_LossAndMetricOfTheClosedForm()
    {
        using var scope = NewDisposeScope();
        var config = Config(SlotAddressing.Cosine, SlotCombination.SoftmaxOfProduct, learnScale: false);
        var (audio, visual, tokens) = Rows();
        var batch = new TrainingBatch(6, Shape.Segments * Shape.AudioDim, Shape.Segments * Shape.VisualSlotSize, questionLength: 4, questionIsTokens: true) { Count = 6 };
        audio.data<float>().CopyTo(batch.Audio);
        visual.data<float>().CopyTo(batch.Visual);
        tokens.data<long>().CopyTo(batch.Tokens!);
        var network = new RmmNetwork(config, new Generator(1));
        var objective = new RmmObjective(network);

        var result = objective.TrainStep(batch, CPU);
        result.Loss!.backward();
        var expected = Recalled(new RmmNetwork(config, new Generator(1)), audio, visual, tokens);

        Assert.AreEqual(expected.Loss, result.Loss!.item<float>(), 1e-5 * expected.Loss);
        Assert.AreEqual(expected.Cosine.Sum(), result.MetricSum, 1e-4);
        Assert.AreEqual(expected.Cosine.Sum(), objective.Evaluate(batch, CPU).MetricSum, 1e-4);
        Assert.IsFalse(result.GradientsComputed, "the loop back-propagates the loss");
    }
}
