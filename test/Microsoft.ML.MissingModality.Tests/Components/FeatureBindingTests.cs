using Microsoft.ML;
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

[TestClass]
public sealed class DataViewBatchSourceTests
{
    private static FeatureBinding Music(bool enhanced) => new("Audio", "Visual", "Question", "AudioMissing", "VisualMissing",
        Segments: 10, AudioDim: 128, VisualChannels: 512, VisualPositions: 196, QuestionIsTokens: true, QuestionLength: 14, VocabularySize: 93)
    {
        RecalledAudioColumn = "RecalledAudio",
        RecalledVisualColumn = "RecalledVisual",
        EnhancedColumns = enhanced ? EnhancedPairColumns.Default : null,
    };

    private static int ReadAhead(FeatureBinding binding, int batchSize) =>
        new DataViewBatchSource(new MLContext().Data.LoadFromEnumerable(Array.Empty<Row>()), binding, labelColumn: null, batchSize,
            shuffleSeed: null, skipUnknownAnswers: false) { PrefetchBatches = 1 }.ReadAheadBatches;

    [TestMethod]
    public void ReadAheadBatches_MusicAvqaShapes_OnlyBatchesWithinTheBudget()
    {
        var avst = Music(enhanced: false) with { RecalledAudioColumn = null, RecalledVisualColumn = null };
        Assert.AreEqual(1, ReadAhead(avst, 64));                  // 257 MB
        Assert.AreEqual(0, ReadAhead(Music(enhanced: true), 64)); // three maps a row: 770 MB
        Assert.AreEqual(1, ReadAhead(Music(enhanced: true), 16));
    }

    private sealed class Row
    {
        public float X { get; set; }
    }
}
