using Microsoft.ML.MissingModality.Components;

namespace Microsoft.ML.MissingModality.Tests.Components;

[TestClass]
public sealed class FeatureBindingTests
{
    private static readonly FeatureBinding Recalled = new("Audio", "Visual", "Question", "AudioMissing", "VisualMissing",
        Segments: 2, AudioDim: 3, VisualChannels: 4, VisualPositions: 5, QuestionIsTokens: true, QuestionLength: 6, VocabularySize: 7)
    {
        RecalledAudioColumn = "RecalledAudio",
        RecalledVisualColumn = "RecalledVisual",
    };

    [TestMethod]
    public void ReadColumns_EnhancedPairsBound_LeavesOutTheRecalledPairTheyReplace()
    {
        var enhanced = Recalled with { EnhancedColumns = EnhancedPairColumns.Default };

        CollectionAssert.Contains(enhanced.InputColumns.ToArray(), "RecalledVisual");
        CollectionAssert.DoesNotContain(enhanced.ReadColumns.ToArray(), "RecalledAudio");
        CollectionAssert.DoesNotContain(enhanced.ReadColumns.ToArray(), "RecalledVisual");
        CollectionAssert.IsSubsetOf(EnhancedPairColumns.Default.All.ToArray(), enhanced.ReadColumns.ToArray());
        CollectionAssert.AreEqual(Recalled.InputColumns.ToArray(), Recalled.ReadColumns.ToArray());
    }

    [TestMethod]
    public void NewBatch_EnhancedPairsBound_HoldsTheEnhancedPairsAndNoRecalledPair()
    {
        var batch = (Recalled with { EnhancedColumns = EnhancedPairColumns.Default }).NewBatch(capacity: 3);

        Assert.IsNull(batch.RecalledAudio);
        Assert.IsNull(batch.RecalledVisual);
        Assert.AreEqual(3 * 2 * 4 * 5, batch.EnhancedRecalledVisual!.Length);
        Assert.AreSame(batch.EnhancedRecalledAudio, batch.AudioMissingPair!.Value.Audio);
        Assert.AreSame(batch.EnhancedRecalledVisual, batch.VisualMissingPair!.Value.Visual);

        var recalledOnly = Recalled.NewBatch(capacity: 3);
        Assert.AreSame(recalledOnly.RecalledAudio, recalledOnly.AudioMissingPair!.Value.Audio);
        Assert.AreSame(recalledOnly.Visual, recalledOnly.AudioMissingPair!.Value.Visual);
    }
}
