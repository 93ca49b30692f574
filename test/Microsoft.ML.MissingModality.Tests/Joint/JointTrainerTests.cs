using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Avr;
using Microsoft.ML.MissingModality.Joint;
using Microsoft.ML.MissingModality.ModelProbe;
using Microsoft.ML.MissingModality.Recall;
using Microsoft.ML.MissingModality.Rmm;
using Microsoft.ML.MissingModality.Tests.Recall;
using Microsoft.ML.MissingModality.Tests.Support;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Tests.Joint;

[TestClass]
public sealed class JointTrainerTests : TempDirectoryTest
{
    private const int Seed = 5;

    private static JointTrainerOptions TinyOptions(int epochs = 2) => new()
    {
        Epochs = epochs, BatchSize = 16, LearningRate = 1e-2, LearningRateStepEpochs = 100, MaxQuestionTokens = 4, Seed = Seed,
        Recall = new RmmGeneratorOptions { Slots = 8, QuestionHiddenSize = 8 },
        Diffusion = new AvrDiffusionOptions { Width = 8, Blocks = 1 },
        Answerer = new AvqaTrainerOptions { HiddenSize = 16, Dropout = 0 },
    };

    private static (MLContext Context, IDataView Prepared) Prepared(int rows = 64)
    {
        var context = new MLContext(seed: 1);
        var data = context.Data.LoadFromEnumerable(TinyLinkedData.Rows(rows, seed: 1));
        return (context, TinyLinkedData.Preprocessing(context).Fit(data).Transform(data));
    }

    [TestMethod]
    public void Pipeline_JointTrainer_SaveLoadFreshContextAndFreshProcess_SamePredictionsInEveryScenario()
    {
        var context = new MLContext(seed: 1);
        var data = context.Data.LoadFromEnumerable(TinyLinkedData.Rows(96, seed: 1));
        var pipeline = TinyLinkedData.Preprocessing(context)
            .Append(context.MissingModality().JointTrainer(TinyOptions()))
            .Append(context.Transforms.Conversion.MapKeyToValue("PredictedAnswer", "PredictedLabel"));
        var model = pipeline.Fit(data);
        var scenarios = TinyLinkedData.Scenarios(TinyLinkedData.Rows(4, seed: 9));
        var before = TinyLinkedData.Predict(context, model, scenarios);
        TinyLinkedData.AssertSameAnswersAfterSaveAndLoad(context, model, data.Schema, Path.Combine(Root, "joint.zip"), scenarios, before);
    }

    [TestMethod]
    public void Fit_Default_YieldsTheStagedTransformersAndTrainsAllThree()
    {
        var (context, prepared) = Prepared();
        var reports = new List<EpochReport>();
        var options = TinyOptions(epochs: 3);
        options.ValidationSet = prepared;
        options.Progress = reports.Add;
        var chain = context.MissingModality().JointTrainer(options).Fit(prepared).ToArray();

        Assert.AreEqual(3, chain.Length);
        var recall = (RecallTransformer)chain[0];
        var diffusion = (AvrTransformer)chain[1];
        var answerer = (AvqaTransformer)chain[2];
        Assert.AreEqual(RecallMethod.Rmm, recall.Method);
        Assert.IsTrue(answerer.Binding.HasEnhanced, "The answerer reads the diffusion's enhanced pairs.");
        Assert.AreEqual(3, reports.Count);
        Assert.IsTrue(reports.All(r => r.MetricName == "accuracy" && r.ValidationMetric is > 0));
        foreach (var report in reports)
        {
            var share = System.Text.RegularExpressions.Regex.Match(report.Note ?? "", @"RMM (\d+\.\d)%, AVR (\d+\.\d)%");
            Assert.IsTrue(share.Success, report.ToString());
            double recallShare = double.Parse(share.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.IsTrue(recallShare is > 0 and < 100, "The answer loss gave part of the generator's gradient: " + report);
        }
        var (initialRecall, initialDiffusion) = InitialNetworks(context, prepared, options);
        Assert.IsFalse(SameParameters(initialRecall, recall.Module), "The generator trained.");
        Assert.IsFalse(SameParameters(initialDiffusion, diffusion.Network), "The diffusion trained.");
    }

    [TestMethod]
    public void Fit_AnswerLossStoppedAndNoOwnLosses_LeavesGeneratorAndDiffusionAsInitialised()
    {
        var (context, prepared) = Prepared();
        var options = TinyOptions();
        (options.RecallLossWeight, options.DiffusionLossWeight, options.AnswerLossReachesRecall, options.AnswerLossReachesDiffusion) = (0, 0, false, false);
        var reports = new List<EpochReport>();
        options.Progress = reports.Add;
        var chain = context.MissingModality().JointTrainer(options).Fit(prepared).ToArray();

        var (initialRecall, initialDiffusion) = InitialNetworks(context, prepared, options);
        Assert.IsTrue(SameParameters(initialRecall, ((RecallTransformer)chain[0]).Module));
        Assert.IsTrue(SameParameters(initialDiffusion, ((AvrTransformer)chain[1]).Network));
        Assert.IsTrue(reports.All(r => r.Note is null), "No answer-loss share to report when it reaches neither network.");
    }

    [TestMethod]
    public void Fit_OnlyTheAnswerLossReachingThem_TrainsGeneratorAndDiffusion()
    {
        var (context, prepared) = Prepared();
        var options = TinyOptions();
        (options.RecallLossWeight, options.DiffusionLossWeight) = (0, 0);
        var chain = context.MissingModality().JointTrainer(options).Fit(prepared).ToArray();

        var (initialRecall, initialDiffusion) = InitialNetworks(context, prepared, options);
        Assert.IsFalse(SameParameters(initialRecall, ((RecallTransformer)chain[0]).Module), "Eq. 8's gradient reached the generator.");
        Assert.IsFalse(SameParameters(initialDiffusion, ((AvrTransformer)chain[1]).Network), "Eq. 8's gradient reached the diffusion.");
    }

    [TestMethod]
    public void Fit_AnswerLossStoppedAtTheDiffusion_StillTrainsTheGeneratorThroughIt()
    {
        var (context, prepared) = Prepared();
        var options = TinyOptions();
        (options.RecallLossWeight, options.DiffusionLossWeight, options.AnswerLossReachesDiffusion) = (0, 0, false);
        var chain = context.MissingModality().JointTrainer(options).Fit(prepared).ToArray();

        var (initialRecall, initialDiffusion) = InitialNetworks(context, prepared, options);
        Assert.IsFalse(SameParameters(initialRecall, ((RecallTransformer)chain[0]).Module), "The gradient passed through the diffusion.");
        Assert.IsTrue(SameParameters(initialDiffusion, ((AvrTransformer)chain[1]).Network), "The diffusion's parameters took none of it.");
    }

    [TestMethod]
    public void Fit_SameSeed_SameModel()
    {
        var (context, prepared) = Prepared(48);
        var first = (RecallTransformer)context.MissingModality().JointTrainer(TinyOptions()).Fit(prepared).First();
        var second = (RecallTransformer)context.MissingModality().JointTrainer(TinyOptions()).Fit(prepared).First();
        Assert.IsTrue(SameParameters(first.Module, second.Module));
    }

    [TestMethod]
    public void Fit_WithoutDiffusion_YieldsGeneratorAndAnswererOnly()
    {
        var (context, prepared) = Prepared(48);
        var options = TinyOptions();
        options.Diffusion = null;
        var chain = context.MissingModality().JointTrainer(options).Fit(prepared).ToArray();

        Assert.AreEqual(2, chain.Length);
        Assert.IsInstanceOfType<RecallTransformer>(chain[0]);
        var answerer = (AvqaTransformer)chain[1];
        Assert.IsTrue(answerer.Binding.HasRecalled && !answerer.Binding.HasEnhanced);
    }

    [TestMethod]
    public void Fit_OnGpu_WhenOneIsPresent_ServesTheSameOnTheCpu()
    {
        if (TorchDeviceSelector.CountCudaDevices() == 0)
            Assert.Inconclusive("No CUDA device here; the GPU path is tested on a machine with one.");
        var gpu = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = false };
        var data = gpu.Data.LoadFromEnumerable(TinyLinkedData.Rows(64, seed: 1));
        var model = TinyLinkedData.Preprocessing(gpu).Append(gpu.MissingModality().JointTrainer(TinyOptions()))
            .Append(gpu.Transforms.Conversion.MapKeyToValue("PredictedAnswer", "PredictedLabel")).Fit(data);
        var rows = TinyLinkedData.WithMissing(TinyLinkedData.Rows(4, seed: 9), audio: true, visual: false);
        var onGpu = TinyLinkedData.Predict(gpu, model, rows);
        string path = Path.Combine(Root, "joint-gpu.zip");
        gpu.Model.Save(model, data.Schema, path);
        var cpu = new MLContext(seed: 1);
        var onCpu = TinyLinkedData.Predict(cpu, cpu.Model.Load(path, out _), rows);
        for (int i = 0; i < rows.Count; i++)
            FloatAssert.AreClose(onGpu[i].Score, onCpu[i].Score, 1e-3f);
    }

    [TestMethod]
    public void Options_NegativeLossWeight_ThrowsNamingIt()
    {
        var context = new MLContext(seed: 1);
        var options = TinyOptions();
        options.DiffusionLossWeight = -1;
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => context.MissingModality().JointTrainer(options));
        Assert.AreEqual(nameof(JointTrainerOptions.DiffusionLossWeight), error.ParamName);
    }

    [TestMethod]
    public void Options_DiffusionWithoutEnhancedPairs_Throws()
    {
        var options = TinyOptions();
        options.Answerer.UseEnhancedPairs = false;
        var error = Assert.ThrowsExactly<ArgumentException>(() => new MLContext(seed: 1).MissingModality().JointTrainer(options));
        StringAssert.Contains(error.Message, "UseEnhancedPairs");
    }

    [TestMethod]
    public void Presets_ArePapersAndAvstsSchedules()
    {
        var paper = JointTrainerOptions.Paper();
        Assert.AreEqual((4, 1e-4, 1.0, 1.0, true, true), (paper.BatchSize, paper.LearningRate, paper.RecallLossWeight, paper.DiffusionLossWeight, paper.AnswerLossReachesRecall, paper.AnswerLossReachesDiffusion));
        var avst = JointTrainerOptions.AvstDefaults();
        Assert.AreEqual((64, 1e-4, 8, 0.1), (avst.BatchSize, avst.LearningRate, avst.LearningRateStepEpochs, avst.LearningRateDecay));
        Assert.IsNull(paper.RecallLearningRate);
    }

    // The generator and the diffusion as the joint trainer initialises them (same seed, same data), before any step.
    private static (torch.nn.Module Recall, torch.nn.Module Diffusion) InitialNetworks(MLContext context, IDataView prepared, JointTrainerOptions options)
    {
        var recall = new RmmGenerator(context, options.Recall.ReadingInputsOf<RmmGeneratorOptions>(options, Seed)).Prepare(prepared, Seed, torch.CPU);
        var transformer = new RmmGenerator(context, options.Recall.ReadingInputsOf<RmmGeneratorOptions>(options, Seed)).CreateTransformer(recall);
        var diffusion = new AvrDiffusion(context, options.Diffusion!.ReadingInputsOf<AvrDiffusionOptions>(options, Seed))
            .Prepare(transformer.GetOutputSchema(prepared.Schema), prepared, Seed, torch.CPU);
        return (recall.Network, diffusion.Network);
    }

    private static bool SameParameters(torch.nn.Module expected, torch.nn.Module actual)
    {
        var a = expected.state_dict();
        var b = actual.state_dict();
        return a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && kv.Value.shape.SequenceEqual(other.shape) && kv.Value.eq(other).all().item<bool>());
    }
}
