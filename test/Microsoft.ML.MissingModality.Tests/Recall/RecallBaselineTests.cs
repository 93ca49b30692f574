using Microsoft.ML.MissingModality.Recall;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Recall;

[TestClass]
public sealed class RecallBaselineTests : TempDirectoryTest
{
    [TestMethod]
    public void Fit_Mean_RecallsTrainingMeanOfCompleteRowsOnly()
    {
        var context = new MLContext(seed: 1);
        var complete = TinyLinkedData.Rows(30, seed: 1);
        // Rows missing their audio carry garbage behind the flag: the mean must not see it.
        var withGarbage = TinyLinkedData.WithMissing(TinyLinkedData.Rows(10, seed: 2), audio: true, visual: false);
        foreach (var row in withGarbage) Array.Fill(row.Audio, 100f);
        var model = context.MissingModality().RecallBaseline(RecallMethod.Mean).Fit(context.Data.LoadFromEnumerable(complete.Concat(withGarbage)));

        var recalled = Recall(context, model, TinyLinkedData.Rows(1, seed: 3))[0];
        for (int i = 0; i < recalled.RecalledAudio.Length; i++)
            Assert.AreEqual(complete.Average(r => r.Audio[i]), recalled.RecalledAudio[i], 1e-4);
    }

    [TestMethod]
    public void Transform_SourceModalityMissing_RecalledFromItIsZero()
    {
        var context = new MLContext(seed: 1);
        var model = context.MissingModality().RecallBaseline(RecallMethod.Mean).Fit(context.Data.LoadFromEnumerable(TinyLinkedData.Rows(20, seed: 1)));
        var rows = TinyLinkedData.Rows(2, seed: 4);
        var noVisual = Recall(context, model, TinyLinkedData.WithMissing(rows, audio: false, visual: true));
        var noAudio = Recall(context, model, TinyLinkedData.WithMissing(rows, audio: true, visual: false));

        Assert.IsTrue(noVisual.All(r => r.RecalledAudio.All(v => v == 0)), "audio is recalled from the picture, which is missing");
        Assert.IsTrue(noVisual.All(r => r.RecalledVisual.Any(v => v != 0)), "the picture is recalled from the audio, which is there");
        Assert.IsTrue(noAudio.All(r => r.RecalledVisual.All(v => v == 0)));
        Assert.IsTrue(noAudio.All(r => r.RecalledAudio.Any(v => v != 0)));
    }

    [TestMethod]
    public void Fit_NearestNeighbour_TrainingPictureRecallsItsOwnVideosAudio()
    {
        var context = new MLContext(seed: 1);
        var rows = TinyLinkedData.Rows(25, seed: 1);
        var model = context.MissingModality().RecallBaseline(RecallMethod.NearestNeighbour).Fit(context.Data.LoadFromEnumerable(rows));
        var recalled = Recall(context, model, rows);
        for (int i = 0; i < rows.Count; i++)
        {
            CollectionAssert.AreEqual(rows[i].Audio, recalled[i].RecalledAudio, $"row {i}");
            CollectionAssert.AreEqual(rows[i].Visual, recalled[i].RecalledVisual, $"row {i}");
        }
    }

    [TestMethod]
    public void Fit_Linear_RecallsAudioFromPictureBetterThanTheMean()
    {
        var context = new MLContext(seed: 1);
        var train = context.Data.LoadFromEnumerable(TinyLinkedData.Rows(200, seed: 1));
        var test = TinyLinkedData.Rows(50, seed: 2);
        var linear = Recall(context, context.MissingModality().RecallBaseline(RecallMethod.Linear).Fit(train), test);
        var mean = Recall(context, context.MissingModality().RecallBaseline(RecallMethod.Mean).Fit(train), test);

        double linearCosine = test.Select((r, i) => TinyLinkedData.Cosine(r.Audio, linear[i].RecalledAudio)).Average();
        double meanCosine = test.Select((r, i) => TinyLinkedData.Cosine(r.Audio, mean[i].RecalledAudio)).Average();
        Assert.IsGreaterThan(0.95, linearCosine, "which channel is lit says which instrument sounds");
        Assert.IsLessThan(0.8, meanCosine);
    }

    [TestMethod]
    [DataRow(RecallMethod.ZeroFill)]
    [DataRow(RecallMethod.Mean)]
    [DataRow(RecallMethod.NearestNeighbour)]
    [DataRow(RecallMethod.Linear)]
    public void SaveLoad_FreshContext_SameRecalledFeatures(RecallMethod method)
    {
        var context = new MLContext(seed: 1);
        var train = context.Data.LoadFromEnumerable(TinyLinkedData.Rows(40, seed: 1));
        var model = context.MissingModality().RecallBaseline(method).Fit(train);
        var rows = TinyLinkedData.Rows(6, seed: 7);
        var before = Recall(context, model, rows);

        string path = Path.Combine(Root, "recall.zip");
        context.Model.Save(model, train.Schema, path);
        var fresh = new MLContext(seed: 5);
        var after = Recall(fresh, fresh.Model.Load(path, out _), rows);
        for (int i = 0; i < rows.Count; i++)
        {
            FloatAssert.AreClose(before[i].RecalledAudio, after[i].RecalledAudio);
            FloatAssert.AreClose(before[i].RecalledVisual, after[i].RecalledVisual);
        }
    }

    [TestMethod]
    public void Transform_BatchedAgainstPredictionEngine_SameRecalledFeatures()
    {
        var context = new MLContext(seed: 1);
        var model = context.MissingModality().RecallBaseline(RecallMethod.Linear).Fit(context.Data.LoadFromEnumerable(TinyLinkedData.Rows(40, seed: 1)));
        var rows = TinyLinkedData.Rows(70, seed: 3);
        var batched = context.Data.CreateEnumerable<TinyLinkedData.Recalled>(model.Transform(context.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToList();
        var single = Recall(context, model, rows);
        for (int i = 0; i < rows.Count; i++)
            FloatAssert.AreClose(single[i].RecalledVisual, batched[i].RecalledVisual);
    }

    [TestMethod]
    public void Transform_ShufflableSource_StaysShufflable()
    {
        var context = new MLContext(seed: 1);
        var data = context.Data.Cache(context.Data.LoadFromEnumerable(TinyLinkedData.Rows(20, seed: 1)));
        var model = context.MissingModality().RecallBaseline(RecallMethod.Mean).Fit(data);
        var transformed = model.Transform(data);
        Assert.IsTrue(data.CanShuffle);
        Assert.IsTrue(transformed.CanShuffle, "a trainer after the recaller must still be able to shuffle");
        var ids = context.Data.CreateEnumerable<TinyLinkedData.Row>(context.Data.ShuffleRows(transformed, seed: 3), reuseRowObject: false).Select(r => r.VideoId).ToList();
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 20).Select(i => $"v1-{i}").ToList(), ids);
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 20).Select(i => $"v1-{i}").ToList(), ids);
    }

    [TestMethod]
    public void Options_RmmAsBaseline_Throws() =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MLContext().MissingModality().RecallBaseline(RecallMethod.Rmm));

    internal static List<TinyLinkedData.Recalled> Recall(MLContext context, ITransformer model, List<TinyLinkedData.Row> rows)
    {
        var engine = context.Model.CreatePredictionEngine<TinyLinkedData.Row, TinyLinkedData.Recalled>(model);
        return rows.Select(r =>
        {
            var p = engine.Predict(r);
            return new TinyLinkedData.Recalled { RecalledAudio = p.RecalledAudio.ToArray(), RecalledVisual = p.RecalledVisual.ToArray() };
        }).ToList();
    }
}
