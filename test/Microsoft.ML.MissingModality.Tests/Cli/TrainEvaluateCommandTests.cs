using System.Text.Json;
using Microsoft.ML.MissingModality.Cli;
using Microsoft.ML.MissingModality.Cli.Commands;
using Microsoft.ML.MissingModality.Datasets.Synthetic;
using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Tests.Cli;

[TestClass]
public sealed class TrainEvaluateCommandTests
{
    private static string _root = "";
    private static string _data = "";

    [ClassInitialize]
    public static void CreateTinyDataset(TestContext _)
    {
        _root = TestPaths.NewTempDirectory();
        _data = Path.Combine(_root, "tiny");
        new SyntheticGenerator(SyntheticPreset.Tiny, seed: 2).Generate(_data);
    }

    [ClassCleanup]
    public static void DeleteTinyDataset() => Directory.Delete(_root, recursive: true);

    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = Program.Run(args, new CliContext(o, e));
        return (code, o.ToString(), e.ToString());
    }

    private static string TrainTiny(string name)
    {
        string model = Path.Combine(_root, name);
        var (code, _, stderr) = Run("train", "--data", _data, "--out", model, "--epochs", "2", "--hidden-size", "16", "--device", "cpu",
            "--learning-rate", "1e-3");
        Assert.AreEqual(Program.Success, code, stderr);
        StringAssert.Contains(stderr, "epoch 2/2");
        return model;
    }

    [TestMethod]
    public void TrainThenEvaluate_AudioMissing_WritesTableAndJsonInTheDocumentedShape()
    {
        string model = TrainTiny("model.zip");
        string json = Path.Combine(_root, "audio.json");
        var (code, stdout, stderr) = Run("evaluate", "--model", model, "--data", _data, "--missing", "audio", "--seed", "3", "--json", json);
        Assert.AreEqual(Program.Success, code, stderr);
        StringAssert.Contains(stdout, "Scenario audio:1:");
        StringAssert.Contains(stdout, "| Audio-Visual/Temporal ");
        StringAssert.Contains(stdout, "| **All** ");
        Assert.IsTrue(stdout.Split('\n').Where(line => !line.StartsWith("Wrote ", StringComparison.Ordinal)).All(line => line.Length <= 80),
            "the table fits a terminal:\n" + stdout);
        StringAssert.Contains(stdout, $"Wrote {json}.");

        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var root = document.RootElement;
        Assert.AreEqual("audio:1", root.GetProperty("scenario").GetString());
        Assert.AreEqual(50, root.GetProperty("rows").GetInt64());
        double overall = root.GetProperty("overall").GetDouble();
        Assert.IsTrue(overall is >= 0 and <= 1);
        CollectionAssert.AreEquivalent(new[] { "Audio", "Visual", "Audio-Visual" }, root.GetProperty("groups").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual(9, root.GetProperty("types").EnumerateObject().Count());
        var answers = root.GetProperty("answers");
        Assert.AreEqual(overall, answers.GetProperty("microAccuracy").GetDouble(), 1e-6);
        Assert.AreEqual(5, answers.GetProperty("topK").GetInt32());
        StringAssert.Contains(stdout, "macro accuracy");
    }

    [TestMethod]
    public void Train_Default_TrainsRmmThenAvrThenEq8AndSaysSo()
    {
        string model = Path.Combine(_root, "full.zip");
        var (code, _, stderr) = Run("train", "--data", _data, "--out", model, "--epochs", "1", "--hidden-size", "8", "--device", "cpu");
        Assert.AreEqual(Program.Success, code, stderr);
        StringAssert.Contains(stderr, "Recaller: rmm, then the AVR diffusion (T = 10, S = ");
        StringAssert.Contains(stderr, "avr epoch 1/");
    }

    [TestMethod]
    public void Train_ComponentEpochsTwo_TrainsTheGeneratorAndTheDiffusionTwoEpochsEach()
    {
        string model = Path.Combine(_root, "component-epochs.zip");
        var (code, _, stderr) = Run("train", "--data", _data, "--out", model, "--epochs", "1", "--hidden-size", "8", "--device", "cpu",
            "--component-epochs", "2");
        Assert.AreEqual(Program.Success, code, stderr);
        StringAssert.Contains(stderr, "rmm epoch 2/2");
        StringAssert.Contains(stderr, "avr epoch 2/2");
        Assert.IsFalse(stderr.Contains("epoch 3/", StringComparison.Ordinal), stderr);
    }

    [TestMethod]
    public void Train_ComponentEpochsWithJointTraining_IsAUsageErrorAndWritesNoModel()
    {
        string model = Path.Combine(_root, "joint-component-epochs.zip");
        var (code, _, stderr) = Run("train", "--data", _data, "--out", model, "--training", "joint", "--component-epochs", "2");
        Assert.AreEqual(Program.UsageError, code);
        StringAssert.Contains(stderr, "--component-epochs");
        Assert.IsFalse(File.Exists(model));
    }

    [TestMethod]
    public void Train_RecallZeroEnhanceAvr_IsAvrOnlyOnZeroFilledRecalls()
    {
        string model = Path.Combine(_root, "avr-only.zip");
        var (code, _, stderr) = Run("train", "--data", _data, "--out", model, "--epochs", "1", "--hidden-size", "8", "--device", "cpu",
            "--recall", "zero", "--enhance", "avr", "--diffusion-steps", "5", "--start-step", "2");
        Assert.AreEqual(Program.Success, code, stderr);
        StringAssert.Contains(stderr, "Recaller: zero, then the AVR diffusion (T = 5, S = 2, ε-prediction)");
        Assert.IsTrue(File.Exists(model));
    }

    [TestMethod]
    public void Train_DiffusionTargetVelocity_TrainsAVPredictionDenoiserAndTheModelEvaluates()
    {
        string model = Path.Combine(_root, "avr-velocity.zip");
        var (code, _, stderr) = Run("train", "--data", _data, "--out", model, "--epochs", "1", "--hidden-size", "8", "--device", "cpu",
            "--recall", "mean", "--enhance", "avr", "--diffusion-steps", "4", "--diffusion-target", "velocity");
        Assert.AreEqual(Program.Success, code, stderr);
        StringAssert.Contains(stderr, "Recaller: mean, then the AVR diffusion (T = 4, S = 1, v-prediction)");
        var (evaluated, stdout, evaluateErrors) = Run("evaluate", "--model", model, "--data", _data, "--missing", "visual");
        Assert.AreEqual(Program.Success, evaluated, evaluateErrors);
        StringAssert.Contains(stdout, "| **All** ");
    }

    [TestMethod]
    public void Train_JointPaperPreset_TrainsAllThreeAtOnceAndTheModelEvaluates()
    {
        string model = Path.Combine(_root, "joint.zip");
        var (code, _, stderr) = Run("train", "--data", _data, "--out", model, "--epochs", "1", "--hidden-size", "8", "--device", "cpu",
            "--training", "joint", "--joint-preset", "paper");
        Assert.AreEqual(Program.Success, code, stderr);
        StringAssert.Contains(stderr, "Joint training (paper preset: batch 4, Adam 0.0001)");
        StringAssert.Contains(stderr, "L_total = L_avqa + L_rmmr + L_ave");
        var (evaluated, stdout, evaluateErrors) = Run("evaluate", "--model", model, "--data", _data, "--missing", "audio", "--seed", "3");
        Assert.AreEqual(Program.Success, evaluated, evaluateErrors);
        StringAssert.Contains(stdout, "| **All** ");
    }

    [TestMethod]
    public void Train_JointWithABaselineRecaller_IsAUsageErrorAndWritesNoModel()
    {
        string model = Path.Combine(_root, "joint-mean.zip");
        var (code, _, stderr) = Run("train", "--data", _data, "--out", model, "--training", "joint", "--recall", "mean");
        Assert.AreEqual(Program.UsageError, code);
        StringAssert.Contains(stderr, "--recall rmm");
        Assert.IsFalse(File.Exists(model));
    }

    [TestMethod]
    public void Train_StartStepBeyondTheChain_IsAUsageErrorAndWritesNoModel()
    {
        string model = Path.Combine(_root, "bad-start.zip");
        var (code, _, stderr) = Run("train", "--data", _data, "--out", model, "--diffusion-steps", "5", "--start-step", "6");
        Assert.AreEqual(Program.UsageError, code);
        StringAssert.Contains(stderr, "--start-step");
        Assert.IsFalse(File.Exists(model));
    }

    [TestMethod]
    public void Train_ExistingModel_RefusedWithoutOverwriteAndLeftIntact()
    {
        string model = Path.Combine(_root, "existing.zip");
        File.WriteAllText(model, "keep me");
        var (code, _, stderr) = Run("train", "--data", _data, "--out", model, "--epochs", "1", "--hidden-size", "8");
        Assert.AreEqual(Program.Failure, code);
        StringAssert.Contains(stderr, "--overwrite");
        Assert.AreEqual("keep me", File.ReadAllText(model));
    }

    [TestMethod]
    public void Train_MissingDataset_FailsWithOneLineAndNoModel()
    {
        string model = Path.Combine(_root, "never.zip");
        var (code, _, stderr) = Run("train", "--data", Path.Combine(_root, "nowhere"), "--out", model);
        Assert.AreEqual(Program.Failure, code);
        StringAssert.StartsWith(stderr, "error:");
        Assert.IsFalse(stderr.Contains("   at ", StringComparison.Ordinal), "no stack trace");
        Assert.IsFalse(File.Exists(model));
        Assert.IsFalse(Directory.EnumerateFiles(_root, "never.zip*").Any(), "no partial file");
    }

    [TestMethod]
    public void Train_CudaDemandedWithoutGpu_FailsClearly()
    {
        if (TorchDeviceSelector.CountCudaDevices() > 0)
            Assert.Inconclusive("This machine has a GPU.");
        string model = Path.Combine(_root, "cuda.zip");
        var (code, _, stderr) = Run("train", "--data", _data, "--out", model, "--epochs", "1", "--device", "cuda");
        Assert.AreEqual(Program.Failure, code);
        StringAssert.Contains(stderr, "error: --device cuda: no CUDA device");
        Assert.DoesNotContain("MLContext", stderr, "the user's flag, not the library's property");
        Assert.IsFalse(File.Exists(model));
    }

    [TestMethod]
    public void Evaluate_BadScenario_UsageError()
    {
        var (code, _, stderr) = Run("evaluate", "--model", "m.zip", "--data", _data, "--missing", "sound:2");
        Assert.AreEqual(Program.UsageError, code);
        StringAssert.Contains(stderr, "sound:2");
    }

    [TestMethod]
    public void Evaluate_CorruptModel_FailsNamingTheFile()
    {
        string model = Path.Combine(_root, "corrupt.zip");
        File.WriteAllBytes(model, [0x50, 0x4B, 3, 4, 1, 2, 3]);
        var (code, _, stderr) = Run("evaluate", "--model", model, "--data", _data);
        Assert.AreEqual(Program.Failure, code, stderr);
        StringAssert.Contains(stderr, "corrupt.zip");
    }

    [TestMethod]
    public void Evaluate_UnknownSplit_FailsNamingIt()
    {
        string model = TrainTiny("split.zip");
        var (code, _, stderr) = Run("evaluate", "--model", model, "--data", _data, "--split", "dev");
        Assert.AreEqual(Program.Failure, code);
        StringAssert.Contains(stderr, "'dev'");
    }

    [TestMethod]
    public void Evaluate_JsonFileExists_RefusedWithoutOverwriteAndLeftIntact()
    {
        string model = TrainTiny("json-guard.zip");
        string json = Path.Combine(_root, "mine.json");
        File.WriteAllText(json, "keep me");
        var (code, stdout, stderr) = Run("evaluate", "--model", model, "--data", _data, "--json", json);
        Assert.AreEqual(Program.Failure, code, stderr);
        StringAssert.Contains(stderr, "--overwrite");
        Assert.AreEqual("", stdout, "refused before evaluating");
        Assert.AreEqual("keep me", File.ReadAllText(json));

        var again = Run("evaluate", "--model", model, "--data", _data, "--json", json, "--overwrite");
        Assert.AreEqual(Program.Success, again.Code, again.Error);
        StringAssert.Contains(File.ReadAllText(json), "\"scenario\"");
    }

    [TestMethod]
    public void Sweep_TwoModels_WritesRatioTableMatrixAndAChartPerModality()
    {
        string first = TrainTiny("sweep-a.zip"), second = TrainTiny("sweep-b.zip");
        string output = Path.Combine(_root, "sweep");
        var (code, stdout, stderr) = Run("sweep", "--model", first, "--model", second, "--data", _data, "--ratios", "0,0.5,1",
            "--modalities", "audio,visual", "--out", output, "--device", "cpu");
        Assert.AreEqual(Program.Success, code, stderr);
        foreach (string model in new[] { "sweep-a", "sweep-b" })
        {
            StringAssert.Contains(stdout, $"| {model} | audio |");
            StringAssert.Contains(stdout, $"| {model}, visual+noise ");
        }
        foreach (string chart in new[] { "sweep-audio.png", "sweep-visual.png" })
            Assert.IsGreaterThan(5_000L, new FileInfo(Path.Combine(output, chart)).Length, chart);
        Assert.IsFalse(File.Exists(Path.Combine(output, "sweep-either.png")));
        string report = File.ReadAllText(Path.Combine(output, "sweep.md"));
        StringAssert.Contains(report, "](sweep-audio.png)");
        StringAssert.Contains(report, "| sweep-b, visual 0.5 |");

        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "sweep.json")));
        Assert.AreEqual(2 * 2 * 3, document.RootElement.GetProperty("sweep").GetArrayLength());
        Assert.AreEqual(2 * 7, document.RootElement.GetProperty("matrix").GetArrayLength());
        // Ratio 0 of either modality is the complete-input evaluation: the same rows, the same answers.
        var points = document.RootElement.GetProperty("sweep").EnumerateArray()
            .Where(p => p.GetProperty("model").GetString() == "sweep-a" && p.GetProperty("ratio").GetDouble() == 0)
            .Select(p => p.GetProperty("metrics").GetProperty("overall").GetDouble()).ToList();
        Assert.HasCount(2, points);
        Assert.AreEqual(points[0], points[1]);
    }

    [TestMethod]
    public void Sweep_StartSteps_MeasuresEachStepCountWithAChartAndTheModelsOwnSMatchesTheMatrix()
    {
        string model = TrainTiny("steps.zip");
        int ownStep = new Microsoft.ML.MissingModality.Avr.AvrDiffusionOptions().StartStep;
        string output = Path.Combine(_root, "steps");
        var (code, stdout, stderr) = Run("sweep", "--model", model, "--data", _data, "--ratios", "0", "--modalities", "audio",
            "--start-steps", $"0,{ownStep}", "--out", output, "--device", "cpu");

        Assert.AreEqual(Program.Success, code, stderr);
        StringAssert.Contains(stdout, $"| model | scenario | S = 0 | S = {ownStep} |");
        Assert.IsGreaterThan(5_000L, new FileInfo(Path.Combine(output, SweepCommand.StepsChartFile)).Length);
        StringAssert.Contains(File.ReadAllText(Path.Combine(output, "sweep.md")), $"]({SweepCommand.StepsChartFile})");
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "sweep.json")));
        var steps = document.RootElement.GetProperty("startSteps").EnumerateArray().ToList();
        Assert.HasCount(2 * 3, steps);
        double own = steps.Single(p => p.GetProperty("startStep").GetInt32() == ownStep && p.GetProperty("scenario").GetString() == "none")
            .GetProperty("metrics").GetProperty("overall").GetDouble();
        double complete = document.RootElement.GetProperty("matrix").EnumerateArray().First().GetProperty("overall").GetDouble();
        Assert.AreEqual(complete, own, "the model's own S is the model as saved");
    }

    [TestMethod]
    public void Sweep_StartStepsOnAModelWithoutTheDiffusion_IsAUsageErrorAndWritesNothing()
    {
        string model = Path.Combine(_root, "avst-only.zip");
        var trained = Run("train", "--data", _data, "--out", model, "--recall", "zero", "--enhance", "none", "--epochs", "1", "--hidden-size", "8", "--device", "cpu");
        Assert.AreEqual(Program.Success, trained.Code, trained.Error);
        string output = Path.Combine(_root, "no-steps");

        var (code, _, stderr) = Run("sweep", "--model", model, "--data", _data, "--start-steps", "0,1", "--out", output, "--device", "cpu");

        Assert.AreEqual(Program.UsageError, code, stderr);
        StringAssert.Contains(stderr, "--start-steps: model 'avst-only'");
        Assert.IsFalse(Directory.Exists(output));
    }

    [TestMethod]
    public void RecallSweep_TwoSlotCounts_WritesTableChartAndJsonAgainstTheMean()
    {
        string output = Path.Combine(_root, "recall-sweep");

        var (code, stdout, stderr) = Run("recall-sweep", "--data", _data, "--slots", "1,5", "--epochs", "1", "--out", output, "--device", "cpu");

        Assert.AreEqual(Program.Success, code, stderr);
        StringAssert.Contains(stdout, "| training mean |");
        StringAssert.Contains(stdout, "| RMM, L = 5 |");
        Assert.IsGreaterThan(5_000L, new FileInfo(Path.Combine(output, RecallSweepCommand.ChartFile)).Length);
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "recall.json")));
        Assert.AreEqual(2, document.RootElement.GetProperty("rmm").GetArrayLength());
        Assert.IsGreaterThan(0L, document.RootElement.GetProperty("mean").GetProperty("rows").GetInt64());
    }

    [TestMethod]
    [DataRow("--ratios", "0,1.5")]
    [DataRow("--modalities", "audio,sound")]
    public void Sweep_BadList_UsageErrorAndNoOutput(string option, string value)
    {
        string model = Path.Combine(_root, "never-trained.zip");   // the lists are checked before the model is looked at
        string output = Path.Combine(_root, "sweep-bad");
        var (code, _, stderr) = Run("sweep", "--model", model, "--data", _data, option, value, "--out", output);
        Assert.AreEqual(Program.UsageError, code, stderr);
        StringAssert.Contains(stderr, option);
        Assert.IsFalse(Directory.Exists(output));
    }

    [TestMethod]
    public void Train_Default_KeepsThePerEpochHistoryBesideTheModel()
    {
        string model = TrainTiny("history.zip");
        string json = Path.Combine(_root, "history.history.json"), chart = Path.Combine(_root, "history.training.png");
        Assert.IsGreaterThan(5_000L, new FileInfo(chart).Length, "the answerer's curves");
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var epochs = document.RootElement.GetProperty("epochs").EnumerateArray().ToList();
        var components = epochs.Select(e => e.GetProperty("component").GetString()).Distinct().ToList();
        CollectionAssert.AreEqual(new[] { "rmm", "avr", "answerer" }, components, "in training order");
        var answerer = epochs.Where(e => e.GetProperty("component").GetString() == "answerer").ToList();
        Assert.HasCount(2, answerer);
        Assert.AreEqual("accuracy", answerer[0].GetProperty("metric").GetString());
        Assert.IsTrue(answerer.All(e => e.GetProperty("validationMetric").ValueKind == JsonValueKind.Number), "validated on val");

        // The side files count as outputs: training again without --overwrite is refused while they exist.
        File.Delete(model);
        var again = Run("train", "--data", _data, "--out", model, "--epochs", "1", "--device", "cpu");
        Assert.AreEqual(Program.Failure, again.Code);
        StringAssert.Contains(again.Error, "history.history.json");
    }
}
