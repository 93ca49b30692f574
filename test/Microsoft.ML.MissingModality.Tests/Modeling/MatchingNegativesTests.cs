using Microsoft.ML.MissingModality.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Modeling;

/// <summary>Negatives of the matching loss must come from other videos, since questions of one video share its features.</summary>
[TestClass]
public sealed class MatchingNegativesTests
{
    [TestMethod]
    public void DrawNegatives_VideoKeys_NeverPairsTwoQuestionsOfOneVideo()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            int batch = random.Next(2, 40);
            var keys = Enumerable.Range(0, batch).Select(_ => (long)random.Next(1, 6)).ToArray();   // ~5 questions a video
            var negatives = AudioVisualMatchingHead.DrawNegatives(keys, new Generator((ulong)trial)).data<long>().ToArray();
            for (int i = 0; i < batch; i++)
            {
                bool otherVideoExists = keys.Any(k => k != keys[i]);
                if (otherVideoExists)
                    Assert.AreNotEqual(keys[i], keys[negatives[i]], $"trial {trial}, sample {i}");
                else
                    Assert.AreEqual(-1L, negatives[i]);
            }
        }
    }

    [TestMethod]
    public void DrawNegatives_AllDistinctVideos_IsTheSameDerangementAsWithoutKeys()
    {
        var keys = Enumerable.Range(0, 9).Select(i => (long)i).ToArray();
        var withKeys = AudioVisualMatchingHead.DrawNegatives(keys, new Generator(5)).data<long>().ToArray();
        var plain = AudioVisualMatchingHead.DrawNegatives(9, new Generator(5)).data<long>().ToArray();
        CollectionAssert.AreEqual(plain, withKeys);
    }

    [TestMethod]
    public void Loss_OneVideoOnly_IsZero_PartlyPaired_UsesOnlyPairedSamples()
    {
        using var scope = NewDisposeScope();
        var head = new AudioVisualMatchingHead(hiddenSize: 4);
        var audio = randn(3, 2, 4, generator: new Generator(1));
        var visual = randn(3, 2, 4, generator: new Generator(2));
        Assert.AreEqual(0f, head.Loss(audio, visual, tensor(new long[] { -1, -1, -1 })).item<float>());

        var partial = head.Loss(audio, visual, tensor(new long[] { 2, -1, 0 })).item<float>();
        var pairedOnly = head.Loss(audio.index_select(0, tensor(new long[] { 0, 2 })), visual.index_select(0, tensor(new long[] { 0, 2 })),
            tensor(new long[] { 1, 0 })).item<float>();
        Assert.AreEqual(pairedOnly, partial, 1e-6f);
    }
}
