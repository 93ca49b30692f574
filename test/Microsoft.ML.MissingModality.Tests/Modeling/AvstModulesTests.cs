using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Modeling;

[TestClass]
public sealed class AvstModulesTests
{
    private const int B = 2, T = AvstTestData.Segments, H = AvstTestData.Hidden;

    [TestMethod]
    public void QuestionEncoder_Tokens_ReturnsBatchByHidden()
    {
        using var scope = NewDisposeScope();
        var encoder = new QuestionEncoder(vocabularySize: 9, embeddingSize: 6, hiddenSize: H);
        var q = encoder.call(randint(0, 9, [B, 5], dtype: int64));
        CollectionAssert.AreEqual(new long[] { B, H }, q.shape);
    }

    [TestMethod]
    public void QuestionEncoder_PaddingRow_IsZero()
    {
        using var scope = NewDisposeScope();
        var encoder = new QuestionEncoder(vocabularySize: 9, embeddingSize: 6, hiddenSize: H);
        var padding = encoder.named_parameters().Single(p => p.name == "embedding.weight").parameter[0];
        Assert.AreEqual(0f, padding.abs().sum().item<float>());
    }

    [TestMethod]
    public void QuestionProjection_Vector_ReturnsBatchByHidden()
    {
        using var scope = NewDisposeScope();
        var q = new QuestionProjection(questionVectorSize: 7, hiddenSize: H).call(randn(B, 7));
        CollectionAssert.AreEqual(new long[] { B, H }, q.shape);
    }

    [TestMethod]
    public void AudioEncoder_Segments_MapsEachSegmentToHidden()
    {
        using var scope = NewDisposeScope();
        var encoder = new AudioEncoder(audioDim: 5, hiddenSize: H);
        var audio = randn(B, T, 5);
        var a = encoder.call(audio);
        CollectionAssert.AreEqual(new long[] { B, T, H }, a.shape);
        // Per segment: encoding one segment alone gives the same row.
        var single = encoder.call(audio[1, 2].unsqueeze(0));
        Assert.IsTrue(single[0].allclose(a[1, 2], rtol: 1e-5, atol: 1e-6));
    }

    [TestMethod]
    public void SpatialGrounding_Maps_ReturnsBatchSegmentsHidden()
    {
        using var scope = NewDisposeScope();
        var grounding = new SpatialGrounding(visualChannels: 6, hiddenSize: H);
        var v = grounding.call(randn(B, T, H), randn(B, T, 6, 4));
        CollectionAssert.AreEqual(new long[] { B, T, H }, v.shape);
    }

    [TestMethod]
    public void SpatialGrounding_ChannelsEqualHidden_HasNoProjectionParameters()
    {
        var grounding = new SpatialGrounding(visualChannels: H, hiddenSize: H);
        CollectionAssert.AreEquivalent(
            new[] { "combine.weight", "combine.bias" },
            grounding.named_parameters().Select(p => p.name).ToArray());
    }

    [TestMethod]
    public void SpatialGrounding_OpposedPositions_MatchesCosineSoftmaxFormula()
    {
        // Positions d and −d (C = hidden, so no projection): v_glob = 0; with audio ∥ d the cosines are +1 and −1, the
        // softmax (no temperature) weighs them e/(e+e⁻¹) and e⁻¹/(e+e⁻¹), and the weighted sum of the NORMALISED
        // positions is tanh(1)·d̂. So v = combine(tanh(cat(0, tanh(1)·d̂))) exactly.
        using var scope = NewDisposeScope();
        var grounding = new SpatialGrounding(visualChannels: H, hiddenSize: H);
        var unit = nn.functional.normalize(randn(H), p: 2, dim: 0);
        var audio = (unit * 3).view(1, 1, H);
        var visual = stack([unit * 5, unit * -5], -1).view(1, 1, H, 2);
        var weights = grounding.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var expected = nn.functional.linear(
            cat([zeros(H), unit * Math.Tanh(1)], 0).tanh(), weights["combine.weight"], weights["combine.bias"]);
        Assert.IsTrue(grounding.call(audio, visual).view(H).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [TestMethod]
    public void SpatialGrounding_RandomMaps_MatchesNormaliseFirstFormula()
    {
        // The module never builds a normalised copy of the map and takes v_glob from the same product as v_att; the
        // paper's order — normalise every position, cosine softmax, weighted sum, mean — must give the same v.
        using var scope = NewDisposeScope();
        manual_seed(7);
        var grounding = new SpatialGrounding(visualChannels: H, hiddenSize: H);
        var audio = randn(B, T, H);
        var visual = rand(B, T, H, 9);
        var positions = nn.functional.normalize(visual, p: 2, dim: -2);
        var query = nn.functional.normalize(audio, p: 2, dim: -1).unsqueeze(-1);
        var weights = (positions * query).sum([-2]).softmax(-1);
        var attended = (positions * weights.unsqueeze(-2)).sum([-1]);
        var p = grounding.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var expected = nn.functional.linear(cat([visual.mean([-1]), attended], -1).tanh(), p["combine.weight"], p["combine.bias"]);
        Assert.IsTrue(grounding.call(audio, visual).allclose(expected, rtol: 1e-4, atol: 1e-5));
    }

    [TestMethod]
    public void SpatialGrounding_MapRequiringGradient_SameOutputAndGradientReachesMap()
    {
        // A map that needs a gradient (the recalled picture under joint training) takes libtorch's norm instead of the
        // library's one-pass kernel: the same output, and the gradient flows back into the map.
        using var scope = NewDisposeScope();
        manual_seed(8);
        var grounding = new SpatialGrounding(visualChannels: 6, hiddenSize: H);
        var audio = randn(B, T, H);
        var data = rand(B, T, 6, 9);
        var visual = data.clone().requires_grad_(true);
        var output = grounding.call(audio, visual);
        Assert.IsTrue(output.allclose(grounding.call(audio, data), rtol: 1e-5, atol: 1e-6));
        output.sum().backward();
        Assert.IsGreaterThan(0f, visual.grad!.abs().sum().item<float>());
    }

    [TestMethod]
    public void SpatialGrounding_PooledSinglePosition_IgnoresAudio()
    {
        // P = 1: the softmax is 1 whatever the audio, so v depends on the visual feature only.
        using var scope = NewDisposeScope();
        var grounding = new SpatialGrounding(visualChannels: 6, hiddenSize: H);
        var visual = randn(B, T, 6, 1);
        var v1 = grounding.call(randn(B, T, H), visual);
        var v2 = grounding.call(randn(B, T, H), visual);
        CollectionAssert.AreEqual(new long[] { B, T, H }, v1.shape);
        Assert.IsTrue(v1.allclose(v2, rtol: 1e-5, atol: 1e-6));
    }

    [TestMethod]
    public void TemporalGrounding_QueryOverSegments_ReturnsLayerNormedBatchByHidden()
    {
        using var scope = NewDisposeScope();
        var temporal = new TemporalGrounding(hiddenSize: H, heads: 2, feedForwardSize: 12, dropout: 0.1);
        temporal.eval();
        var x = temporal.call(randn(B, H), randn(B, T, H));
        CollectionAssert.AreEqual(new long[] { B, H }, x.shape);
        Assert.IsLessThan(1e-5, x.mean([1]).abs().max().item<float>(), "LayerNorm output has zero mean per row");
    }

    [TestMethod]
    public void TemporalGrounding_SegmentOrder_DoesNotMatter()
    {
        // Attention without positions is permutation invariant over the segments.
        using var scope = NewDisposeScope();
        var temporal = new TemporalGrounding(hiddenSize: H, heads: 2, feedForwardSize: H, dropout: 0.1);
        temporal.eval();
        var q = randn(B, H);
        var segments = randn(B, T, H);
        var reversed = segments.flip(1);
        Assert.IsTrue(temporal.call(q, segments).allclose(temporal.call(q, reversed), rtol: 1e-5, atol: 1e-5));
    }

    [TestMethod]
    public void TemporalGrounding_Eval_EqualsMultiheadAttentionFollowedByTheFeedForwardBlock()
    {
        // Reference: TorchSharp's nn.MultiheadAttention with the same q/k/v/output weights (packed as PyTorch packs them),
        // then AVST's block x + FFN(x) → LayerNorm, computed by hand from the module's own weights.
        using var scope = NewDisposeScope();
        var temporal = new TemporalGrounding(hiddenSize: H, heads: 2, feedForwardSize: 12, dropout: 0.1);
        temporal.eval();
        var w = temporal.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var attention = nn.MultiheadAttention(H, 2, dropout: 0.1);
        attention.eval();
        var reference = attention.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
        {
            reference["in_proj_weight"].copy_(cat([w["query.weight"], w["key.weight"], w["value.weight"]], 0));
            reference["in_proj_bias"].copy_(cat([w["query.bias"], w["key.bias"], w["value.bias"]], 0));
            reference["out_proj.weight"].copy_(w["output.weight"]);
            reference["out_proj.bias"].copy_(w["output.bias"]);
        }
        var q = randn(B, H);
        var segments = randn(B, T, H);
        using var _ = no_grad();
        var x = attention.call(q.unsqueeze(0), segments.transpose(0, 1), segments.transpose(0, 1), null, false, null).Item1.squeeze(0);
        var ffn = nn.functional.linear(nn.functional.relu(nn.functional.linear(x, w["feedForwardIn.weight"], w["feedForwardIn.bias"])),
            w["feedForwardOut.weight"], w["feedForwardOut.bias"]);
        var expected = nn.functional.layer_norm(x + ffn, [H], w["norm.weight"], w["norm.bias"]);
        Assert.IsTrue(temporal.call(q, segments).allclose(expected, rtol: 1e-4, atol: 1e-5));
    }

    [TestMethod]
    public void FusionHead_Summaries_ReturnsBatchByAnswers()
    {
        using var scope = NewDisposeScope();
        var logits = new FusionHead(hiddenSize: H, answerCount: 4).call(randn(B, H), randn(B, H), randn(B, H));
        CollectionAssert.AreEqual(new long[] { B, 4 }, logits.shape);
    }

    [TestMethod]
    public void MatchingHead_Pairs_ReturnsTwoLogitsPerSegment()
    {
        using var scope = NewDisposeScope();
        var logits = new AudioVisualMatchingHead(hiddenSize: H).call(randn(B, T, H), randn(B, T, H));
        CollectionAssert.AreEqual(new long[] { B, T, 2 }, logits.shape);
    }

    [TestMethod]
    public void MatchingHead_BatchOfOne_LossIsZero()
    {
        using var scope = NewDisposeScope();
        var head = new AudioVisualMatchingHead(hiddenSize: H);
        var negatives = AudioVisualMatchingHead.DrawNegatives(1, new Generator(1));
        Assert.AreEqual(0f, head.Loss(randn(1, T, H), randn(1, T, H), negatives).item<float>());
    }

    [TestMethod]
    public void MatchingHead_SelfPairedNegative_Throws()
    {
        using var scope = NewDisposeScope();
        var head = new AudioVisualMatchingHead(hiddenSize: H);
        var selfPaired = tensor(new long[] { 1, 0, 2 });
        Assert.ThrowsExactly<ArgumentException>(() => head.Loss(randn(3, T, H), randn(3, T, H), selfPaired));
    }

    [TestMethod]
    public void DrawNegatives_ManySeedsAndSizes_NeverPairsASampleWithItselfAndIsAPermutation()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(42);
        for (int batch = 2; batch <= 9; batch++)
        {
            for (int draw = 0; draw < 50; draw++)
            {
                var negatives = AudioVisualMatchingHead.DrawNegatives(batch, generator).data<long>().ToArray();
                for (int i = 0; i < batch; i++)
                    Assert.AreNotEqual(i, negatives[i], $"batch {batch}, draw {draw}");
                CollectionAssert.AreEquivalent(Enumerable.Range(0, batch).Select(i => (long)i).ToArray(), negatives);
            }
        }
    }

    [TestMethod]
    public void DrawNegatives_SameSeed_SamePairs()
    {
        using var scope = NewDisposeScope();
        var first = AudioVisualMatchingHead.DrawNegatives(16, new Generator(5));
        var second = AudioVisualMatchingHead.DrawNegatives(16, new Generator(5));
        Assert.IsTrue(AvstTestData.Same(first, second));
    }
}
