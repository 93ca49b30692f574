using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Tests.Training;

[TestClass]
public sealed class TrainingBatchTests
{
    // Two rows, audio length 1, visual length 1: row 0 lacks its audio, row 1 its picture.
    private static TrainingBatch Batch(bool enhanced)
    {
        var batch = new TrainingBatch(capacity: 2, audioLength: 1, visualLength: 1, questionLength: 1, questionIsTokens: true, hasRecalled: true, hasEnhanced: enhanced)
        {
            Count = 2,
        };
        batch.AudioMissing[0] = true;
        batch.VisualMissing[1] = true;
        batch.Visual[0] = 1;
        batch.Audio[1] = 2;
        batch.RecalledAudio![0] = 10;
        batch.RecalledVisual![1] = 20;
        if (enhanced)
        {
            batch.EnhancedRecalledAudio![0] = 100;
            batch.EnhancedVisualWithRecalledAudio![0] = 101;
            batch.EnhancedAudioWithRecalledVisual![1] = 200;
            batch.EnhancedRecalledVisual![1] = 201;
        }
        return batch;
    }

    [TestMethod]
    [DataRow(false, 8 * sizeof(float))]  // real and recalled pairs, two rows of one value each
    [DataRow(true, 16 * sizeof(float))]  // and the two enhanced pairs
    public void FeatureBytes_RecalledBatch_EveryFeatureArrayAtCapacity(bool enhanced, int expected) =>
        Assert.AreEqual(expected, Batch(enhanced).FeatureBytes);

    [TestMethod]
    public void SubstituteRecalledForMissing_RecalledOnly_RecalledBesideTheRealOther()
    {
        var batch = Batch(enhanced: false);
        batch.SubstituteRecalledForMissing();
        CollectionAssert.AreEqual(new[] { 10f, 2f }, batch.Audio);
        CollectionAssert.AreEqual(new[] { 1f, 20f }, batch.Visual);
    }

    [TestMethod]
    public void SubstituteRecalledForMissing_EnhancedPairs_BothPartsOfTheEnhancedPair()
    {
        var batch = Batch(enhanced: true);
        batch.SubstituteRecalledForMissing();
        CollectionAssert.AreEqual(new[] { 100f, 200f }, batch.Audio);
        CollectionAssert.AreEqual(new[] { 101f, 201f }, batch.Visual);
    }

    [TestMethod]
    public void SubstituteRecalledForMissing_NoRecaller_LeavesZeros()
    {
        var batch = new TrainingBatch(1, 1, 1, 1, questionIsTokens: true) { Count = 1 };
        batch.AudioMissing[0] = true;
        batch.SubstituteRecalledForMissing();
        Assert.AreEqual(0f, batch.Audio[0]);
        Assert.IsNull(batch.AudioMissingPair);
    }
}
