using System.Text.Json;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.ModelProbe;
using Microsoft.ML.MissingModality.Recall;
using Microsoft.ML.MissingModality.Rmm;
using Microsoft.ML.MissingModality.Tests.Recall;
using Microsoft.ML.MissingModality.Tests.Support;
using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Tests.Rmm;

[TestClass]
public sealed class RmmGeneratorTests : TempDirectoryTest
{
    private static RmmGeneratorOptions TinyOptions(SlotCombination combination = SlotCombination.NormalizedProduct, SlotAddressing addressing = SlotAddressing.ScaledDot) => new()
    {
        Slots = 12, QuestionHiddenSize = 8, MaxQuestionTokens = 4, Epochs = 40, BatchSize = 16, LearningRate = 1e-2,
        LearningRateStepEpochs = 100, Combination = combination, Addressing = addressing, Seed = 2,
    };

    [TestMethod]
    [DataRow(SlotAddressing.ScaledDot)]
    [DataRow(SlotAddressing.Cosine)]
    public void Fit_LinkedModalities_RecallsAudioCloserThanTheMean(SlotAddressing addressing)
    {
        var context = new MLContext(seed: 1);
        var prep = TinyLinkedData.Preprocessing(context).Fit(context.Data.LoadFromEnumerable(TinyLinkedData.Rows(10, seed: 1)));
        var train = prep.Transform(context.Data.LoadFromEnumerable(TinyLinkedData.Rows(200, seed: 1)));
        var test = TinyLinkedData.Rows(60, seed: 2);
        var rmm = context.MissingModality().RmmGenerator(TinyOptions(addressing: addressing)).Fit(train);
        var mean = context.MissingModality().RecallBaseline(RecallMethod.Mean).Fit(train);

        var byRmm = RecallBaselineTests.Recall(context, prep.Append(rmm), test);
        var byMean = RecallBaselineTests.Recall(context, prep.Append(mean), test);
        double rmmCosine = test.Select((r, i) => TinyLinkedData.Cosine(r.Audio, byRmm[i].RecalledAudio)).Average();
        double meanCosine = test.Select((r, i) => TinyLinkedData.Cosine(r.Audio, byMean[i].RecalledAudio)).Average();
        Assert.IsGreaterThan(meanCosine + 0.1, rmmCosine, $"RMM {rmmCosine:F3}, mean {meanCosine:F3}");
    }

    [TestMethod]
    public void Fit_ValidationSet_ReportsRecallCosineAndKeepsTheBestEpoch()
    {
        var context = new MLContext(seed: 1);
        var prep = TinyLinkedData.Preprocessing(context).Fit(context.Data.LoadFromEnumerable(TinyLinkedData.Rows(10, seed: 1)));
        var reports = new List<EpochReport>();
        var options = TinyOptions();
        options.Epochs = 6;
        options.ValidationSet = prep.Transform(context.Data.LoadFromEnumerable(TinyLinkedData.Rows(40, seed: 3)));
        options.Progress = reports.Add;
        context.MissingModality().RmmGenerator(options).Fit(prep.Transform(context.Data.LoadFromEnumerable(TinyLinkedData.Rows(100, seed: 1))));

        Assert.HasCount(6, reports);
        Assert.IsTrue(reports.All(r => r.MetricName == "recall cosine" && r.ValidationMetric is > -1 and <= 1));
        Assert.AreEqual(1, reports.Count(r => r.IsBest && r.ValidationMetric == reports.Max(x => x.ValidationMetric)) , "the best epoch is flagged");
    }

    [TestMethod]
    public void Fit_NoRowHasBothModalities_ThrowsNamingTheCause()
    {
        var context = new MLContext(seed: 1);
        var rows = TinyLinkedData.WithMissing(TinyLinkedData.Rows(10, seed: 1), audio: true, visual: false);
        var data = TinyLinkedData.Preprocessing(context).Fit(context.Data.LoadFromEnumerable(rows)).Transform(context.Data.LoadFromEnumerable(rows));
        var error = Assert.ThrowsExactly<InvalidDataException>(() => context.MissingModality().RmmGenerator(TinyOptions()).Fit(data));
        StringAssert.Contains(error.Message, "both modalities");
    }

    [TestMethod]
    public void Pipeline_RmmThenEq8Answerer_SaveLoadFreshContextAndFreshProcess_SamePredictionsInEveryScenario()
    {
        var context = new MLContext(seed: 1);
        var trainRows = TinyLinkedData.Rows(96, seed: 1);
        var data = context.Data.LoadFromEnumerable(trainRows);
        var options = TinyOptions();
        options.Epochs = 3;
        var pipeline = TinyLinkedData.Preprocessing(context)
            .Append(context.MissingModality().RmmGenerator(options))
            .Append(context.MissingModality().AvqaTrainer(new AvqaTrainerOptions
            {
                Epochs = 3, BatchSize = 16, LearningRate = 1e-2, HiddenSize = 16, MaxQuestionTokens = 4, Dropout = 0, Seed = 3,
            }))
            .Append(context.Transforms.Conversion.MapKeyToValue("PredictedAnswer", "PredictedLabel"));
        var model = pipeline.Fit(data);
        var scenarios = TinyLinkedData.Scenarios(TinyLinkedData.Rows(4, seed: 9));
        var before = TinyLinkedData.Predict(context, model, scenarios);
        Assert.IsFalse(before.Take(4).Select(p => p.Score).SequenceEqual(before.Skip(4).Take(4).Select(p => p.Score)), "audio-missing rows are answered differently");

        TinyLinkedData.AssertSameAnswersAfterSaveAndLoad(context, model, data.Schema, Path.Combine(Root, "rmm-avqa.zip"), scenarios, before);
    }

    [TestMethod]
    public void Transform_Batched_MatchesPredictionEngine()
    {
        var context = new MLContext(seed: 1);
        var prep = TinyLinkedData.Preprocessing(context).Fit(context.Data.LoadFromEnumerable(TinyLinkedData.Rows(10, seed: 1)));
        var options = TinyOptions();
        options.Epochs = 2;
        var model = prep.Append(context.MissingModality().RmmGenerator(options).Fit(prep.Transform(context.Data.LoadFromEnumerable(TinyLinkedData.Rows(50, seed: 1)))));
        var rows = TinyLinkedData.Rows(40, seed: 5);
        var batched = context.Data.CreateEnumerable<TinyLinkedData.Recalled>(model.Transform(context.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToList();
        var single = RecallBaselineTests.Recall(context, model, rows);
        for (int i = 0; i < rows.Count; i++)
        {
            FloatAssert.AreClose(single[i].RecalledAudio, batched[i].RecalledAudio);
            FloatAssert.AreClose(single[i].RecalledVisual, batched[i].RecalledVisual);
        }
    }

    [TestMethod]
    public void Pipeline_OnGpu_WhenOneIsPresent_RecallsAsOnCpu()
    {
        if (TorchDeviceSelector.CountCudaDevices() == 0)
            Assert.Inconclusive("No CUDA device here; the GPU path is tested on a machine with one.");
        var rows = TinyLinkedData.Rows(64, seed: 1);
        List<TinyLinkedData.Recalled> Run(MLContext context)
        {
            var data = context.Data.LoadFromEnumerable(rows);
            var options = TinyOptions();
            options.Epochs = 3;
            var model = TinyLinkedData.Preprocessing(context).Append(context.MissingModality().RmmGenerator(options)).Fit(data);
            return RecallBaselineTests.Recall(context, model, rows.Take(8).ToList());
        }
        var cpu = Run(new MLContext(seed: 1));
        var gpu = Run(new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = false });
        for (int i = 0; i < cpu.Count; i++)
            FloatAssert.AreClose(cpu[i].RecalledAudio, gpu[i].RecalledAudio, 1e-3f);
    }
}
