using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Tests.Data;
using Microsoft.ML.MissingModality.Tests.Support;
using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Tests.Avqa;

/// <summary>Passes over a Parquet dataset: serial and prefetched fills agree, and batches are allocated once.</summary>
[TestClass]
public sealed class DataViewBatchSourcePassTests : TempDirectoryTest
{
    private (IDataView Data, FeatureBinding Binding) Dataset(int videos = 12)
    {
        string dir = TestDatasets.Write(Root, videos, perVideo: 3);
        var context = new MLContext(seed: 1);
        var raw = context.Data.LoadFromAvqaDataset(dir, "train");
        var data = context.MissingModality().FeaturizeQuestion().Append(context.MissingModality().MapAnswerToLabel()).Fit(raw).Transform(raw);
        return (data, FeatureBinding.FromSchema(data.Schema, new AvqaTrainerOptions().ColumnNames));
    }

    // Every value a pass hands over, batch by batch.
    private static List<float[]> Read(DataViewBatchSource source, int epoch) =>
        source.ReadEpoch(epoch).Select(b => b.Audio.Take(b.Count * b.AudioLength)
            .Concat(b.Visual.Take(b.Count * b.VisualLength))
            .Concat(b.Labels.Take(b.Count).Select(l => (float)l))
            .Concat(b.AudioMissing.Take(b.Count).Select(m => m ? 1f : 0f))
            .Concat(b.Tokens!.Take(b.Count * b.QuestionLength).Select(t => (float)t)).ToArray()).ToList();

    [TestMethod]
    public void ReadEpoch_PrefetchedOrSerial_SameBatchesInSameOrder()
    {
        var (data, binding) = Dataset();
        DataViewBatchSource Source(int prefetch) => new(data, binding, "Label", batchSize: 5, shuffleSeed: 7, skipUnknownAnswers: true) { PrefetchBatches = prefetch };

        for (int epoch = 1; epoch <= 2; epoch++)
        {
            var serial = Read(Source(0), epoch);
            var prefetched = Read(Source(2), epoch);
            Assert.HasCount(serial.Count, prefetched);
            for (int b = 0; b < serial.Count; b++)
                CollectionAssert.AreEqual(serial[b], prefetched[b], $"epoch {epoch}, batch {b}");
        }
    }

    [TestMethod]
    public void ReadEpoch_VisualRowsReferencedInPlace_SameBatchesAsCopiedRows()
    {
        var (data, binding) = Dataset();
        DataViewBatchSource Source(int prefetch, bool referenced) =>
            new(data, binding, "Label", batchSize: 5, shuffleSeed: 7, skipUnknownAnswers: true) { PrefetchBatches = prefetch, ReferenceVisualRows = referenced };
        var inPlace = new List<TrainingBatch>();

        for (int epoch = 1; epoch <= 2; epoch++)
        {
            var copied = Read(Source(0, referenced: false), epoch);
            foreach (int prefetch in new[] { 0, 2 })
            {
                var referenced = Source(prefetch, referenced: true).ReadEpoch(epoch).Select(b =>
                {
                    inPlace.Add(b);
                    // Read through the rows, not through Visual (which would copy them in).
                    var visual = b.VisualRows!.Value.SelectMany(r => r.ToArray()).ToArray();
                    return b.Audio.Take(b.Count * b.AudioLength).Concat(visual)
                        .Concat(b.Labels.Take(b.Count).Select(l => (float)l))
                        .Concat(b.AudioMissing.Take(b.Count).Select(m => m ? 1f : 0f))
                        .Concat(b.Tokens!.Take(b.Count * b.QuestionLength).Select(t => (float)t)).ToArray();
                }).ToList();
                Assert.HasCount(copied.Count, referenced);
                for (int b = 0; b < copied.Count; b++)
                    CollectionAssert.AreEqual(copied[b], referenced[b], $"epoch {epoch}, prefetch {prefetch}, batch {b}");
            }
        }
        Assert.IsTrue(inPlace.All(b => b.ReferencesVisualRows));
    }

    [TestMethod]
    public void ReadEpoch_VisualRowsReferencedInPlace_RowsAreTheDecodedValuesNotCopies()
    {
        var (data, binding) = Dataset(videos: 3);
        var source = new DataViewBatchSource(data, binding, "Label", batchSize: 9, shuffleSeed: null, skipUnknownAnswers: true) { ReferenceVisualRows = true };

        foreach (var batch in source.ReadEpoch(0))
        {
            var rows = batch.VisualRows!.Value;
            // Video 0's rows come from its decoded group; video 2 has no picture: zeros.
            Assert.IsTrue(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(rows[0], out var decoded));
            Assert.AreNotEqual(batch.Capacity * batch.VisualLength, decoded.Array!.Length, "not the batch's own array");
            CollectionAssert.AreEqual(TestDatasets.Visual(0), rows[0].ToArray());
            CollectionAssert.AreEqual(new float[24], rows[8].ToArray());
        }
    }

    [TestMethod]
    public void ReadEpoch_ReferencedRowsFromAViewThatIsNotTheDatasetReader_CopiedIntoTheBatchAsBefore()
    {
        var context = new MLContext(seed: 1);
        var raw = context.Data.LoadFromEnumerable(TinyAvqaData.Rows(11, seed: 2));
        var data = TinyAvqaData.Preprocessing(context).Fit(raw).Transform(raw);
        var binding = FeatureBinding.FromSchema(data.Schema, new AvqaTrainerOptions { MaxQuestionTokens = 4 }.ColumnNames);
        List<float[]> Visuals(bool referenced) => new DataViewBatchSource(data, binding, "Label", batchSize: 4, shuffleSeed: null, skipUnknownAnswers: true)
            { ReferenceVisualRows = referenced }.ReadEpoch(0)
            .Select(b => referenced ? b.VisualRows!.Value.SelectMany(r => r.ToArray()).ToArray() : b.Visual.Take(b.Count * b.VisualLength).ToArray()).ToList();

        var copied = Visuals(referenced: false);
        var referenced = Visuals(referenced: true);

        Assert.HasCount(copied.Count, referenced);
        for (int b = 0; b < copied.Count; b++)
            CollectionAssert.AreEqual(copied[b], referenced[b], $"batch {b}");
    }

    [TestMethod]
    public void ReadEpoch_MissingModality_ZerosAndFlagFromTheReadersDirectCopy()
    {
        var (data, binding) = Dataset(videos: 3);
        var batch = new DataViewBatchSource(data, binding, "Label", batchSize: 9, shuffleSeed: null, skipUnknownAnswers: true).ReadEpoch(0).Single();

        // Video 1 (rows 3-5) has no audio, video 2 (rows 6-8) no picture.
        for (int row = 0; row < 9; row++)
        {
            int video = row / 3;
            var audio = batch.Audio.AsSpan(row * batch.AudioLength, batch.AudioLength).ToArray();
            var visual = batch.Visual.AsSpan(row * batch.VisualLength, batch.VisualLength).ToArray();
            CollectionAssert.AreEqual(video == 1 ? new float[8] : TestDatasets.Audio(video), audio, $"row {row}");
            CollectionAssert.AreEqual(video == 2 ? new float[24] : TestDatasets.Visual(video), visual, $"row {row}");
            Assert.AreEqual(video == 1, batch.AudioMissing[row]);
            Assert.AreEqual(video == 2, batch.VisualMissing[row]);
        }
    }

    [TestMethod]
    public void ReadEpoch_TrainingAndValidationPasses_ShareTwoBatchesForAllEpochs()
    {
        var (data, binding) = Dataset();
        var train = new DataViewBatchSource(data, binding, "Label", batchSize: 5, shuffleSeed: 7, skipUnknownAnswers: true) { PrefetchBatches = 1 };
        var validation = new DataViewBatchSource(data, binding, "Label", batchSize: 5, shuffleSeed: null, skipUnknownAnswers: false)
        {
            PrefetchBatches = 1, BatchPool = train.BatchPool,
        };
        var seen = new HashSet<TrainingBatch>();

        for (int epoch = 1; epoch <= 3; epoch++)
        {
            seen.UnionWith(train.ReadEpoch(epoch));
            seen.UnionWith(validation.ReadEpoch(0));
        }

        Assert.AreEqual(2, train.BatchPool.Allocated);
        Assert.HasCount(2, seen);
    }

    [TestMethod]
    public void ReadEpoch_PrefetchedNaN_ThrowsTheLocatedErrorOnTheTrainingThread()
    {
        var context = new MLContext(seed: 1);
        var rows = TinyAvqaData.Rows(20, seed: 1);
        rows[13].Visual[2] = float.NaN;
        var raw = context.Data.LoadFromEnumerable(rows);
        var data = TinyAvqaData.Preprocessing(context).Fit(raw).Transform(raw);
        var binding = FeatureBinding.FromSchema(data.Schema, new AvqaTrainerOptions { MaxQuestionTokens = 4 }.ColumnNames);
        var source = new DataViewBatchSource(data, binding, "Label", batchSize: 4, shuffleSeed: null, skipUnknownAnswers: true) { PrefetchBatches = 1 };
        int batches = 0;

        var e = Assert.ThrowsExactly<InvalidDataException>(() =>
        {
            foreach (var _ in source.ReadEpoch(0))
                batches++;
        });

        StringAssert.Contains(e.Message, "Visual");
        StringAssert.Contains(e.Message, "row 13");
        Assert.AreEqual(3, batches, "the three batches before the bad row were handed over");
    }
}
