using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Modeling;

[TestClass]
public sealed class AvstNetworkTests
{
    private const int B = 3;

    [TestMethod]
    public void Forward_TokenQuestionAndMaps_ReturnsLogitsAndSegmentFeatures()
    {
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config();
        var output = new AvstNetwork(config, new Generator(1)).call(AvstTestData.Batch(config, B, seed: 2));
        CollectionAssert.AreEqual(new long[] { B, AvstTestData.Answers }, output.Logits.shape);
        CollectionAssert.AreEqual(new long[] { B, AvstTestData.Segments, AvstTestData.Hidden }, output.AudioSegments.shape);
        CollectionAssert.AreEqual(new long[] { B, AvstTestData.Segments, AvstTestData.Hidden }, output.VisualSegments.shape);
    }

    [TestMethod]
    public void AnswerMany_EvalModeThreePairs_EqualsSeparateAnswerCalls()
    {
        // Eq. 8's three pairs answered in one pass of the back half must give what three passes give.
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config();
        var network = new AvstNetwork(config, new Generator(1));
        network.eval();
        using var noGrad = no_grad();
        var batch = AvstTestData.Batch(config, B, seed: 2);
        var other = AvstTestData.Batch(config, B, seed: 3);
        var q = network.EncodeQuestion(batch);
        var audio = network.EncodeAudio(batch.Audio);
        var otherAudio = network.EncodeAudio(other.Audio);
        (Tensor, Tensor)[] pairs = [(audio, batch.Visual), (otherAudio, batch.Visual), (audio, other.Visual)];

        var together = network.AnswerMany(pairs, q);

        Assert.HasCount(3, together);
        for (int i = 0; i < pairs.Length; i++)
        {
            var alone = network.Answer(pairs[i].Item1, pairs[i].Item2, q);
            Assert.IsTrue(AvstTestData.Close(alone.Logits, together[i].Logits), $"pair {i}: logits");
            Assert.IsTrue(AvstTestData.Close(alone.VisualSegments, together[i].VisualSegments), $"pair {i}: grounded visual");
            Assert.IsTrue(AvstTestData.Same(alone.AudioSegments, together[i].AudioSegments), $"pair {i}: audio");
        }
    }

    [TestMethod]
    public void AnswerMany_PairWithWrongMapShape_Throws()
    {
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config();
        var network = new AvstNetwork(config, new Generator(1));
        var batch = AvstTestData.Batch(config, B, seed: 2);
        var q = network.EncodeQuestion(batch);
        var audio = network.EncodeAudio(batch.Audio);
        var wrong = batch.Visual.narrow(2, 0, 1);
        Assert.ThrowsExactly<ArgumentException>(() => network.AnswerMany([(audio, batch.Visual), (audio, wrong)], q));
    }

    [TestMethod]
    public void Forward_PooledVisual_ReturnsLogits()
    {
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config(positions: 1);
        var output = new AvstNetwork(config, new Generator(1)).call(AvstTestData.Batch(config, B, seed: 2));
        CollectionAssert.AreEqual(new long[] { B, AvstTestData.Answers }, output.Logits.shape);
    }

    [TestMethod]
    public void Forward_VectorQuestion_ReturnsLogits()
    {
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config(QuestionInputKind.Vector);
        var output = new AvstNetwork(config, new Generator(1)).call(AvstTestData.Batch(config, B, seed: 2));
        CollectionAssert.AreEqual(new long[] { B, AvstTestData.Answers }, output.Logits.shape);
    }

    [TestMethod]
    public void Forward_QuestionKindTheConfigDoesNotRead_Throws()
    {
        using var scope = NewDisposeScope();
        var network = new AvstNetwork(AvstTestData.Config(QuestionInputKind.Tokens));
        var vectorBatch = AvstTestData.Batch(AvstTestData.Config(QuestionInputKind.Vector), B, seed: 2);
        Assert.ThrowsExactly<ArgumentException>(() => network.call(vectorBatch));
    }

    [TestMethod]
    public void Forward_WrongVisualLayout_ThrowsNamingTheExpectedShape()
    {
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config();
        var batch = AvstTestData.Batch(config, B, seed: 2);
        var channelsLast = batch with { Visual = batch.Visual.transpose(-1, -2) };
        var error = Assert.ThrowsExactly<ArgumentException>(() => new AvstNetwork(config).call(channelsLast));
        StringAssert.Contains(error.Message, "B, T, C, P");
    }

    [TestMethod]
    public void Forward_TokenOutOfVocabulary_Throws()
    {
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config();
        var batch = AvstTestData.Batch(config, B, seed: 2);
        var bad = batch with { QuestionTokens = full([B, AvstTestData.Tokens], (long)AvstTestData.Vocabulary, dtype: int64) };
        Assert.ThrowsExactly<ArgumentException>(() => new AvstNetwork(config).call(bad));
    }

    [TestMethod]
    public void FromFlat_RowMajorTchw_ViewsAsSegmentsChannelsPositions()
    {
        using var scope = NewDisposeScope();
        const int height = 2, width = 2;
        var config = AvstTestData.Config(positions: height * width);
        var video = arange(B * AvstTestData.Segments * AvstTestData.Channels * height * width, dtype: float32)
            .view(B, AvstTestData.Segments, AvstTestData.Channels, height, width);
        var audio = arange(B * AvstTestData.Segments * AvstTestData.AudioDim, dtype: float32);
        var batch = AvstBatch.FromFlat(audio.view(B, -1), video.reshape(B, -1), zeros([B, 2], dtype: int64), config);

        CollectionAssert.AreEqual(new long[] { B, AvstTestData.Segments, AvstTestData.AudioDim }, batch.Audio.shape);
        CollectionAssert.AreEqual(new long[] { B, AvstTestData.Segments, AvstTestData.Channels, height * width }, batch.Visual.shape);
        // visual[b, t, c, h·W + w] == video[b, t, c, h, w]
        Assert.AreEqual(video[2, 1, 4, 1, 0].item<float>(), batch.Visual[2, 1, 4, 1 * width + 0].item<float>());
        Assert.AreEqual(video[0, 2, 5, 1, 1].item<float>(), batch.Visual[0, 2, 5, 3].item<float>());
        Assert.IsNotNull(batch.QuestionTokens);
        Assert.IsNull(batch.QuestionVector);
    }

    [TestMethod]
    public void FromFlat_WrongLength_Throws()
    {
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config();
        Assert.ThrowsExactly<ArgumentException>(() => AvstBatch.ReshapeVisual(zeros(B, 7), config));
        Assert.ThrowsExactly<ArgumentException>(() => AvstBatch.ReshapeAudio(zeros(B, 7), config));
    }

    [TestMethod]
    public void Loss_WithNegatives_IsFiniteAndEveryParameterGetsAGradient()
    {
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config();
        var network = new AvstNetwork(config, new Generator(3));
        network.train();
        var output = network.call(AvstTestData.Batch(config, B, seed: 4));
        var loss = network.Loss(output, AvstTestData.AnswerIds(B, seed: 5), new Generator(6));
        Assert.IsTrue(float.IsFinite(loss.item<float>()));
        loss.backward();
        foreach (var (name, parameter) in network.named_parameters())
        {
            Assert.IsNotNull(parameter.grad, name);
            Assert.IsGreaterThan(0f, parameter.grad.abs().sum().item<float>(), $"{name} has an all-zero gradient");
        }
    }

    [TestMethod]
    public void Loss_IsAnswerPlusWeightedMatching()
    {
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config() with { MatchingLossWeight = 0.5 };
        var network = new AvstNetwork(config, new Generator(3));
        network.eval();
        var output = network.call(AvstTestData.Batch(config, B, seed: 4));
        var answers = AvstTestData.AnswerIds(B, seed: 5);
        var negatives = AvstNetwork.DrawNegatives(B, new Generator(6));
        float total = network.Loss(output, answers, negatives).item<float>();
        float expected = network.AnswerLoss(output, answers).item<float>() + 0.5f * network.MatchingLoss(output, negatives).item<float>();
        Assert.AreEqual(expected, total, 1e-5);
        Assert.AreEqual(network.AnswerLoss(output, answers).item<float>(), network.Loss(output, answers, (Tensor?)null).item<float>(), 1e-6);
    }

    [TestMethod]
    public void StateDict_TinyTokenConfig_HasExactlyTheseKeysAndShapes()
    {
        // Shape approval: the state-dict keys are the persisted format. Changing a field name or order breaks saved models.
        var network = new AvstNetwork(AvstTestData.Config());
        var actual = network.state_dict().Select(p => $"{p.Key} [{string.Join(",", p.Value.shape)}]").ToArray();
        string[] expected =
        [
            "question.embedding.weight [9,6]",
            "question.lstm.weight_ih_l0 [32,6]", "question.lstm.weight_hh_l0 [32,8]",
            "question.lstm.bias_ih_l0 [32]", "question.lstm.bias_hh_l0 [32]",
            "question.output.weight [8,16]", "question.output.bias [8]",
            "audio.layer1.weight [8,5]", "audio.layer1.bias [8]",
            "audio.layer2.weight [8,8]", "audio.layer2.bias [8]",
            "spatial.queryProjection.weight [6,8]", "spatial.queryProjection.bias [6]",
            "spatial.outputProjection.weight [8,6]", "spatial.outputProjection.bias [8]",
            "spatial.combine.weight [8,16]", "spatial.combine.bias [8]",
            "matching.fc1.weight [512,16]", "matching.fc1.bias [512]",
            "matching.fc2.weight [256,512]", "matching.fc2.bias [256]",
            "matching.fc3.weight [128,256]", "matching.fc3.bias [128]",
            "matching.fc4.weight [2,128]", "matching.fc4.bias [2]",
            .. Temporal("temporalAudio"),
            .. Temporal("temporalVisual"),
            "fusion.fusion.weight [8,16]", "fusion.fusion.bias [8]",
            "fusion.answer.weight [4,8]", "fusion.answer.bias [4]",
        ];
        CollectionAssert.AreEqual(expected, actual, "actual: " + string.Join(" | ", actual));

        static string[] Temporal(string prefix) =>
        [
            $"{prefix}.query.weight [8,8]", $"{prefix}.query.bias [8]",
            $"{prefix}.key.weight [8,8]", $"{prefix}.key.bias [8]",
            $"{prefix}.value.weight [8,8]", $"{prefix}.value.bias [8]",
            $"{prefix}.output.weight [8,8]", $"{prefix}.output.bias [8]",
            $"{prefix}.feedForwardIn.weight [8,8]", $"{prefix}.feedForwardIn.bias [8]",
            $"{prefix}.feedForwardOut.weight [8,8]", $"{prefix}.feedForwardOut.bias [8]",
            $"{prefix}.norm.weight [8]", $"{prefix}.norm.bias [8]",
        ];
    }

    [TestMethod]
    public void StateDict_VectorQuestionAndChannelsEqualHidden_SwapsQuestionPathAndDropsProjection()
    {
        var network = new AvstNetwork(AvstTestData.Config(QuestionInputKind.Vector, channels: AvstTestData.Hidden));
        var keys = network.state_dict().Keys.ToList();
        CollectionAssert.IsSubsetOf(new[] { "question.projection.weight", "question.projection.bias" }, keys);
        Assert.IsFalse(keys.Any(k => k.StartsWith("question.lstm", StringComparison.Ordinal) || k.StartsWith("spatial.queryProjection", StringComparison.Ordinal) || k.StartsWith("spatial.outputProjection", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Constructor_SameGenerator_IdenticalStateDicts()
    {
        var config = AvstTestData.Config();
        var first = new AvstNetwork(config, new Generator(11)).state_dict();
        var second = new AvstNetwork(config, new Generator(11)).state_dict();
        var other = new AvstNetwork(config, new Generator(12)).state_dict();
        foreach (var (key, value) in first)
            Assert.IsTrue(AvstTestData.Same(value, second[key]), string.Join(" ", first.Where(p => !AvstTestData.Same(p.Value, second[p.Key])).Select(p => p.Key)));
        Assert.IsTrue(first.Any(p => !AvstTestData.Same(p.Value, other[p.Key])), "another seed gives other weights");
    }

    [TestMethod]
    public void Constructor_Generator_KeepsPaddingRowZeroAndLayerNormAtIdentity()
    {
        var parameters = new AvstNetwork(AvstTestData.Config(), new Generator(11)).state_dict();
        Assert.AreEqual(0f, parameters["question.embedding.weight"][0].abs().sum().item<float>());
        Assert.IsTrue(AvstTestData.Same(parameters["temporalAudio.norm.weight"], ones(AvstTestData.Hidden)));
        Assert.IsTrue(AvstTestData.Same(parameters["temporalAudio.norm.bias"], zeros(AvstTestData.Hidden)));
    }

    [TestMethod]
    public void SaveLoad_RoundTrip_GivesIdenticalLogits()
    {
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config();
        var batch = AvstTestData.Batch(config, B, seed: 8);
        var original = new AvstNetwork(config, new Generator(7));
        var loaded = new AvstNetwork(config, new Generator(99));
        using (var stream = new MemoryStream())
        {
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                original.save(writer);
            stream.Position = 0;
            using var reader = new BinaryReader(stream);
            loaded.load(reader);
        }
        original.eval();
        loaded.eval();
        using var _ = no_grad();
        foreach (var (key, value) in original.state_dict())
            Assert.IsTrue(AvstTestData.Same(value, loaded.state_dict()[key]), key);
        Assert.IsTrue(AvstTestData.Close(original.call(batch).Logits, loaded.call(batch).Logits));
    }

    [TestMethod]
    public void Forward_EvalUnderNoGrad_IsDeterministic()
    {
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config();
        var network = new AvstNetwork(config, new Generator(7));
        network.eval();
        var batch = AvstTestData.Batch(config, B, seed: 8);
        using var _ = no_grad();
        var first = network.call(batch);
        var second = network.call(batch);
        Assert.IsFalse(first.Logits.requires_grad);
        Assert.IsTrue(AvstTestData.Close(first.Logits, second.Logits));
    }

    [TestMethod]
    public void Answer_EncodedAudioFromCaller_IsNotFreedWithTheOutput()
    {
        // The back half is re-run with recalled features: the output must not own the caller's audio tensor.
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config();
        var network = new AvstNetwork(config, new Generator(7));
        var batch = AvstTestData.Batch(config, B, seed: 8);
        var encoded = network.EncodeAudio(batch.Audio);
        var q = network.EncodeQuestion(batch);
        network.Answer(encoded, batch.Visual, q).Dispose();
        Assert.AreEqual(B * AvstTestData.Segments * AvstTestData.Hidden, encoded.numel());
        Assert.IsTrue(float.IsFinite(encoded.sum().item<float>()));
    }
}
