using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Avr;
using Microsoft.ML.MissingModality.ModelProbe;
using Microsoft.ML.MissingModality.Recall;
using Microsoft.ML.MissingModality.Rmm;
using Microsoft.ML.MissingModality.Tests.Recall;
using Microsoft.ML.MissingModality.Tests.Support;
using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Tests.Avr;

[TestClass]
public sealed class AvrDiffusionTests : TempDirectoryTest
{
    private const int S = TinyLinkedData.Segments, A = TinyLinkedData.AudioDim;
    private const int C = TinyLinkedData.Channels, H = TinyLinkedData.Height, W = TinyLinkedData.Width;

    public sealed class Enhanced
    {
        [VectorType(S, A)] public float[] EnhancedRecalledAudio { get; set; } = [];
        [VectorType(S, C, H, W)] public float[] EnhancedVisualWithRecalledAudio { get; set; } = [];
        [VectorType(S, A)] public float[] EnhancedAudioWithRecalledVisual { get; set; } = [];
        [VectorType(S, C, H, W)] public float[] EnhancedRecalledVisual { get; set; } = [];
    }

    private static AvrDiffusionOptions TinyOptions(int epochs = 3) => new()
    {
        Width = 8, Blocks = 1, Epochs = epochs, BatchSize = 16, LearningRate = 1e-2, LearningRateStepEpochs = 100, Seed = 4,
    };

    // Question featurization and the mean recaller, fitted on the rows: what the AVR diffusion sits behind.
    private static ITransformer Upstream(MLContext context, List<TinyLinkedData.Row> rows)
    {
        var data = context.Data.LoadFromEnumerable(rows);
        return TinyLinkedData.Preprocessing(context).Append(context.MissingModality().RecallBaseline(RecallMethod.Mean)).Fit(data);
    }

    [TestMethod]
    public void Fit_ValidationSet_DenoisingR2RisesAndTheBestEpochIsKept()
    {
        var context = new MLContext(seed: 1);
        var upstream = Upstream(context, TinyLinkedData.Rows(100, seed: 1));
        var reports = new List<EpochReport>();
        var options = TinyOptions(epochs: 8);
        options.ValidationSet = upstream.Transform(context.Data.LoadFromEnumerable(TinyLinkedData.Rows(40, seed: 3)));
        options.Progress = reports.Add;
        context.MissingModality().AvrDiffusion(options).Fit(upstream.Transform(context.Data.LoadFromEnumerable(TinyLinkedData.Rows(200, seed: 1))));

        Assert.HasCount(8, reports);
        Assert.IsTrue(reports.All(r => r.MetricName == "denoising R²"));
        double first = reports[0].ValidationMetric!.Value, best = reports.Max(r => r.ValidationMetric!.Value);
        Assert.IsGreaterThan(first + 0.05, best, $"validation R² first {first:F3}, best {best:F3}");
        Assert.IsGreaterThan(0.2, best, "the denoiser explains a part of the noise");
        Assert.AreEqual(1, reports.Count(r => r.IsBest && r.ValidationMetric == best));
    }

    [TestMethod]
    public void Fit_ChannelsOfDifferentScales_StandardizesEachVisualChannelByItsOwnStatistics()
    {
        // Channel c scaled by c + 1 and shifted by 10·c: statistics that mix channels (or batch rows with channels)
        // cannot match every channel's own. Batches of 16 rows, 4 channels: a mixing reshape would show.
        var context = new MLContext(seed: 1);
        var rows = TinyLinkedData.Rows(120, seed: 1);
        foreach (var row in rows)
        {
            for (int i = 0; i < row.Visual.Length; i++)
            {
                int channel = i / (H * W) % C;
                row.Visual[i] = row.Visual[i] * (channel + 1) + 10 * channel;
            }
        }
        var avr = context.MissingModality().AvrDiffusion(TinyOptions(epochs: 1))
            .Fit(Upstream(context, rows).Transform(context.Data.LoadFromEnumerable(rows)));

        var buffers = avr.Network.named_buffers().ToDictionary(b => b.name, b => b.buffer.data<float>().ToArray());
        var complete = rows.Where(r => !r.AudioMissing && !r.VisualMissing).ToList();
        Assert.IsNotEmpty(complete);
        for (int channel = 0; channel < C; channel++)
        {
            double[] values = complete.SelectMany(r => Enumerable.Range(0, S)
                .SelectMany(s => r.Visual.Skip((s * C + channel) * H * W).Take(H * W))).Select(v => (double)v).ToArray();
            double mean = values.Average();
            double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
            Assert.AreEqual(mean, buffers["visualMean"][channel], 1e-4 * (1 + Math.Abs(mean)), $"channel {channel} mean");
            Assert.AreEqual(std, buffers["visualScale"][channel], 1e-4 * (1 + std), $"channel {channel} standard deviation");
        }
    }

    [TestMethod]
    public void WithEnhancementSteps_FittedPipeline_ChangesOnlyTheDiffusionsStartStep()
    {
        var context = new MLContext(seed: 1);
        var rows = TinyLinkedData.Rows(60, seed: 1);
        var data = context.Data.LoadFromEnumerable(rows);
        var model = TinyLinkedData.Preprocessing(context).Append(context.MissingModality().RecallBaseline(RecallMethod.Mean))
            .Append(context.MissingModality().AvrDiffusion(TinyOptions(epochs: 1))).Fit(data);

        var changed = AvrTransformer.WithEnhancementSteps(model, 0);

        var avr = ((IEnumerable<ITransformer>)changed).OfType<AvrTransformer>().Single();
        Assert.AreEqual(0, avr.StartStep);
        Assert.AreEqual(model.LastTransformer.DiffusionSteps, avr.DiffusionSteps);
        Assert.AreNotEqual(0, model.LastTransformer.StartStep, "the original is left as it was");
        Assert.ThrowsExactly<ArgumentException>(() => AvrTransformer.WithEnhancementSteps(TinyLinkedData.Preprocessing(context).Fit(data), 0));
    }

    [TestMethod]
    public void Transform_Batched_MatchesPredictionEngineAndRepeats()
    {
        var context = new MLContext(seed: 1);
        var upstream = Upstream(context, TinyLinkedData.Rows(60, seed: 1));
        var avr = context.MissingModality().AvrDiffusion(TinyOptions()).Fit(upstream.Transform(context.Data.LoadFromEnumerable(TinyLinkedData.Rows(60, seed: 1))));
        var model = upstream.Append(avr);
        var rows = TinyLinkedData.Rows(20, seed: 5);
        var batched = Enhance(context, model, rows);
        var again = Enhance(context, model, rows);
        var engine = context.Model.CreatePredictionEngine<TinyLinkedData.Row, Enhanced>(model);
        for (int i = 0; i < rows.Count; i++)
        {
            var single = engine.Predict(rows[i]);
            FloatAssert.AreClose(batched[i].EnhancedRecalledAudio, single.EnhancedRecalledAudio);
            FloatAssert.AreClose(batched[i].EnhancedRecalledVisual, single.EnhancedRecalledVisual);
            FloatAssert.AreClose(batched[i].EnhancedVisualWithRecalledAudio, again[i].EnhancedVisualWithRecalledAudio);
            FloatAssert.AreClose(batched[i].EnhancedAudioWithRecalledVisual, again[i].EnhancedAudioWithRecalledVisual);
        }
    }

    [TestMethod]
    public void Transform_AudioMissing_BuildsOnlyThePairWithTheRecalledAudio()
    {
        var context = new MLContext(seed: 1);
        var upstream = Upstream(context, TinyLinkedData.Rows(60, seed: 1));
        var model = upstream.Append(context.MissingModality().AvrDiffusion(TinyOptions(epochs: 1))
            .Fit(upstream.Transform(context.Data.LoadFromEnumerable(TinyLinkedData.Rows(60, seed: 1)))));
        var enhanced = Enhance(context, model, TinyLinkedData.WithMissing(TinyLinkedData.Rows(6, seed: 5), audio: true, visual: false));

        foreach (var row in enhanced)
        {
            Assert.IsTrue(row.EnhancedRecalledAudio.Any(v => v != 0) && row.EnhancedVisualWithRecalledAudio.Any(v => v != 0));
            Assert.IsTrue(row.EnhancedAudioWithRecalledVisual.All(v => v == 0) && row.EnhancedRecalledVisual.All(v => v == 0),
                "without the audio there is no recalled picture to enhance");
        }
    }

    [TestMethod]
    public void Fit_NoRecalledColumns_ThrowsNamingThem()
    {
        var context = new MLContext(seed: 1);
        var rows = TinyLinkedData.Rows(20, seed: 1);
        var data = TinyLinkedData.Preprocessing(context).Fit(context.Data.LoadFromEnumerable(rows)).Transform(context.Data.LoadFromEnumerable(rows));
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => context.MissingModality().AvrDiffusion(TinyOptions()).Fit(data));
        StringAssert.Contains(error.Message, "RecalledAudio");
        StringAssert.Contains(error.Message, "recaller");
    }

    [TestMethod]
    [DataRow(-1)]
    [DataRow(11)]
    public void Options_StartStepOutsideTheChain_Throws(int startStep)
    {
        var options = new AvrDiffusionOptions { StartStep = startStep };
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MLContext().MissingModality().AvrDiffusion(options));
        StringAssert.Contains(error.Message, "StartStep");
    }

    [TestMethod]
    public void Fit_LinearScheduleOverTenSteps_ThrowsNamingTheOption()
    {
        var context = new MLContext(seed: 1);
        var rows = TinyLinkedData.Rows(20, seed: 1);
        var data = Upstream(context, rows).Transform(context.Data.LoadFromEnumerable(rows));
        var options = TinyOptions();
        options.Schedule = BetaSchedule.Linear;
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => context.MissingModality().AvrDiffusion(options).Fit(data));
        StringAssert.Contains(error.Message, "Schedule");
    }

    [TestMethod]
    public void Pipeline_RmmAvrThenEq8Answerer_SaveLoadFreshContextAndFreshProcess_SamePredictionsInEveryScenario()
    {
        var context = new MLContext(seed: 1);
        var data = context.Data.LoadFromEnumerable(TinyLinkedData.Rows(96, seed: 1));
        var mm = context.MissingModality();
        var pipeline = TinyLinkedData.Preprocessing(context)
            .Append(mm.RmmGenerator(new RmmGeneratorOptions { Slots = 8, QuestionHiddenSize = 8, MaxQuestionTokens = 4, Epochs = 2, BatchSize = 16, Seed = 2 }))
            .Append(mm.AvrDiffusion(TinyOptions(epochs: 2)))
            .Append(mm.AvqaTrainer(new AvqaTrainerOptions
            {
                Epochs = 2, BatchSize = 16, LearningRate = 1e-2, HiddenSize = 16, MaxQuestionTokens = 4, Dropout = 0, Seed = 3,
            }))
            .Append(context.Transforms.Conversion.MapKeyToValue("PredictedAnswer", "PredictedLabel"));
        var model = pipeline.Fit(data);
        var scenarios = TinyLinkedData.Scenarios(TinyLinkedData.Rows(4, seed: 9));
        var before = TinyLinkedData.Predict(context, model, scenarios);
        TinyLinkedData.AssertSameAnswersAfterSaveAndLoad(context, model, data.Schema, Path.Combine(Root, "rmm-avr-avqa.zip"), scenarios, before);
    }

    [TestMethod]
    public void Pipeline_OnGpu_WhenOneIsPresent_EnhancesAsOnCpu()
    {
        if (TorchDeviceSelector.CountCudaDevices() == 0)
            Assert.Inconclusive("No CUDA device here; the GPU path is tested on a machine with one.");
        var rows = TinyLinkedData.Rows(48, seed: 1);
        List<Enhanced> Run(MLContext context)
        {
            var upstream = Upstream(context, rows);
            var model = upstream.Append(context.MissingModality().AvrDiffusion(TinyOptions(epochs: 2)).Fit(upstream.Transform(context.Data.LoadFromEnumerable(rows))));
            return Enhance(context, model, rows.Take(6).ToList());
        }
        var cpu = Run(new MLContext(seed: 1));
        var gpu = Run(new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = false });
        for (int i = 0; i < cpu.Count; i++)
            FloatAssert.AreClose(cpu[i].EnhancedRecalledAudio, gpu[i].EnhancedRecalledAudio, 1e-3f);
    }

    private static List<Enhanced> Enhance(MLContext context, ITransformer model, List<TinyLinkedData.Row> rows) =>
        context.Data.CreateEnumerable<Enhanced>(model.Transform(context.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToList();
}
