using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Scenarios;
using Microsoft.ML.MissingModality.Tests.Support;
using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Tests.Avqa;

[TestClass]
public sealed class AvqaTrainerTests
{
    [TestMethod]
    public void Fit_TinyTask_LearnsBothQuestionKindsAndReportsEpochs()
    {
        var context = new MLContext(seed: 1);
        var train = context.Data.LoadFromEnumerable(TinyAvqaData.Rows(256, seed: 1));
        var test = context.Data.LoadFromEnumerable(TinyAvqaData.Rows(128, seed: 2));
        var reports = new List<EpochReport>();
        var messages = new List<string>();
        context.Log += (_, e) => messages.Add($"{e.Source}: {e.Message}");
        var pipeline = TinyAvqaData.Preprocessing(context).Append(context.MissingModality().AvqaTrainer(new AvqaTrainerOptions
        {
            Epochs = 40, BatchSize = 16, LearningRate = 1e-2, HiddenSize = 16, MaxQuestionTokens = 4, Dropout = 0,
            LearningRateStepEpochs = 100, Seed = 3, Progress = reports.Add,
        }));
        var model = pipeline.Fit(train);

        var metrics = context.MissingModality().Evaluate(model.Transform(test));
        Assert.IsGreaterThan(0.9, metrics[QuestionType.AudioCounting].Accuracy, metrics.ToMarkdown());
        Assert.IsGreaterThan(0.9, metrics[QuestionType.VisualLocation].Accuracy, metrics.ToMarkdown());
        Assert.HasCount(40, reports);
        Assert.IsLessThan(reports[0].TrainLoss, reports[^1].TrainLoss);
        Assert.IsTrue(messages.Any(m => m.StartsWith("AvqaTrainer", StringComparison.Ordinal) && m.Contains("epoch 40/40", StringComparison.Ordinal)), string.Join("\n", messages.Where(m => m.Contains("AvqaTrainer", StringComparison.Ordinal)).Take(5)));
    }

    [TestMethod]
    public void Fit_SameSeed_SameModel()
    {
        float[] Scores(int seed)
        {
            var context = new MLContext(seed: seed);
            var data = context.Data.LoadFromEnumerable(TinyAvqaData.Rows(64, seed: 1));
            var model = TinyAvqaData.Pipeline(context, epochs: 3).Fit(data);
            return context.Data.CreateEnumerable<TinyAvqaData.Prediction>(model.Transform(data), false).SelectMany(p => p.Score).ToArray();
        }
        // Same seed, same weights; libtorch's threaded CPU kernels may round the last bit differently.
        FloatAssert.AreClose(Scores(1), Scores(1));
    }

    [TestMethod]
    public void Fit_PrefetchOnOrOff_SameLossesAndScores()
    {
        (List<double> Losses, float[] Scores) Train(int prefetch)
        {
            var context = new MLContext(seed: 1);
            var data = context.Data.LoadFromEnumerable(TinyAvqaData.Rows(64, seed: 1));
            var prep = TinyAvqaData.Preprocessing(context).Fit(data);
            var losses = new List<double>();
            var model = context.MissingModality().AvqaTrainer(new AvqaTrainerOptions
            {
                Epochs = 3, BatchSize = 16, LearningRate = 1e-2, HiddenSize = 16, MaxQuestionTokens = 4, Seed = 3,
                PrefetchBatches = prefetch, ValidationSet = prep.Transform(data), Progress = r => { losses.Add(r.TrainLoss); losses.Add(r.ValidationMetric ?? double.NaN); },
            }).Fit(prep.Transform(data));
            var scores = context.Data.CreateEnumerable<TinyAvqaData.Prediction>(model.Transform(prep.Transform(data)), reuseRowObject: false, ignoreMissingColumns: true).SelectMany(p => p.Score).ToArray();
            return (losses, scores);
        }

        var serial = Train(0);
        var prefetched = Train(2);

        // Same rows, same order, same dropout draws: equal up to libtorch's threaded rounding.
        FloatAssert.AreClose(serial.Losses.Select(l => (float)l).ToArray(), prefetched.Losses.Select(l => (float)l).ToArray());
        FloatAssert.AreClose(serial.Scores, prefetched.Scores);
    }

    [TestMethod]
    public void Fit_ValidationSetWithEarlyStopping_KeepsBestEpochAndStops()
    {
        var context = new MLContext(seed: 1);
        var prep = TinyAvqaData.Preprocessing(context).Fit(context.Data.LoadFromEnumerable(TinyAvqaData.Rows(128, seed: 1)));
        var train = prep.Transform(context.Data.LoadFromEnumerable(TinyAvqaData.Rows(128, seed: 1)));
        var validation = prep.Transform(context.Data.LoadFromEnumerable(TinyAvqaData.Rows(64, seed: 5)));
        var reports = new List<EpochReport>();
        var trainer = context.MissingModality().AvqaTrainer(new AvqaTrainerOptions
        {
            Epochs = 200, BatchSize = 16, LearningRate = 1e-2, HiddenSize = 16, MaxQuestionTokens = 4, Dropout = 0,
            ValidationSet = validation, EarlyStoppingPatience = 3, Seed = 3, Progress = reports.Add,
        });
        var model = trainer.Fit(train);

        Assert.IsLessThan(200, reports.Count, "early stopping never triggered");
        Assert.IsTrue(reports.All(r => r.ValidationMetric is not null));
        double best = reports.Max(r => r.ValidationMetric!.Value);
        var metrics = context.MissingModality().Evaluate(model.Transform(validation));
        Assert.AreEqual(best, metrics.Accuracy, 1e-9, "the kept weights are those of the best validation epoch");
    }

    [TestMethod]
    public void Fit_RawValidationSetInsideAPipeline_SaysTheValidationSetLacksThePrefixColumns()
    {
        var context = new MLContext(seed: 1);
        var raw = context.Data.LoadFromEnumerable(TinyAvqaData.Rows(32, seed: 5));
        var pipeline = TinyAvqaData.Pipeline(context, epochs: 1, validation: raw);

        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => pipeline.Fit(context.Data.LoadFromEnumerable(TinyAvqaData.Rows(64, seed: 1))));

        Assert.AreEqual(nameof(AvqaTrainerOptions.ValidationSet), e.ParamName);
        StringAssert.Contains(e.Message, "The validation set does not fit");
        StringAssert.Contains(e.Message, "preceding transforms");
    }

    [TestMethod]
    public void Transform_AudioMissing_BaselineSeesZerosAndLosesAudioQuestionsOnly()
    {
        var context = new MLContext(seed: 1);
        var train = context.Data.LoadFromEnumerable(TinyAvqaData.Rows(256, seed: 1));
        var test = context.Data.LoadFromEnumerable(TinyAvqaData.Rows(200, seed: 2));
        var model = TinyAvqaData.Pipeline(context).Fit(train);
        var missingAudio = context.MissingModality().SimulateMissingModality(MissingModalityScenario.Parse("audio"), seed: 1).Fit(test).Transform(test);

        var complete = context.MissingModality().Evaluate(model.Transform(test));
        var noAudio = context.MissingModality().Evaluate(model.Transform(missingAudio));
        Assert.IsLessThan(0.6, noAudio[QuestionType.AudioCounting].Accuracy, "audio answers cannot survive without audio");
        Assert.IsGreaterThan(noAudio[QuestionType.AudioCounting].Accuracy + 0.3, complete[QuestionType.AudioCounting].Accuracy);
        Assert.IsGreaterThan(0.8, noAudio[QuestionType.VisualLocation].Accuracy, "visual answers do not need audio");
    }

    [TestMethod]
    public void Transform_Batched_EqualsPredictionEngine()
    {
        var context = new MLContext(seed: 1);
        var rows = TinyAvqaData.Rows(40, seed: 4);
        var data = context.Data.LoadFromEnumerable(rows);
        var model = TinyAvqaData.Pipeline(context, epochs: 5).Fit(data);
        var batched = context.Data.CreateEnumerable<TinyAvqaData.Prediction>(model.Transform(data), false).ToList();
        var engine = context.Model.CreatePredictionEngine<TinyAvqaData.Row, TinyAvqaData.Prediction>(model);
        for (int i = 0; i < rows.Count; i++)
        {
            var single = engine.Predict(rows[i]);
            Assert.AreEqual(batched[i].PredictedAnswer, single.PredictedAnswer, $"row {i}");
            for (int k = 0; k < single.Score.Length; k++)
                Assert.AreEqual(batched[i].Score[k], single.Score[k], 1e-5f);
        }
    }

    private sealed class VectorQuestionRow
    {
        public string Answer { get; set; } = "";
        public string QuestionType { get; set; } = "";
        [Microsoft.ML.Data.VectorType(3)] public float[] QuestionVector { get; set; } = [];
        [Microsoft.ML.Data.VectorType(TinyAvqaData.Segments, TinyAvqaData.AudioDim)] public float[] Audio { get; set; } = [];
        [Microsoft.ML.Data.VectorType(TinyAvqaData.Segments, TinyAvqaData.Channels, TinyAvqaData.Height, TinyAvqaData.Width)]
        public float[] Visual { get; set; } = [];
    }

    [TestMethod]
    public void Fit_PrecomputedQuestionVectors_LearnsAndRecordsSteps()
    {
        static List<VectorQuestionRow> Rows(int count, int seed) => TinyAvqaData.Rows(count, seed).Select(r => new VectorQuestionRow
        {
            Answer = r.Answer, QuestionType = r.QuestionType, Audio = r.Audio, Visual = r.Visual,
            QuestionVector = r.Question.StartsWith("what", StringComparison.Ordinal) ? [1f, 0f, 0.5f] : [0f, 1f, 0.5f],
        }).ToList();
        var context = new MLContext(seed: 1);
        var steps = new List<TrainingStep>();
        var model = context.MissingModality().MapAnswerToLabel()
            .Append(context.MissingModality().AvqaTrainer(new AvqaTrainerOptions
            {
                QuestionColumnName = "QuestionVector", Epochs = 40, BatchSize = 16, LearningRate = 1e-2, HiddenSize = 16, Dropout = 0,
                LearningRateStepEpochs = 100, Seed = 3, StepProgress = steps.Add,
            }))
            .Fit(context.Data.LoadFromEnumerable(Rows(256, 1)));
        var metrics = context.MissingModality().Evaluate(model.Transform(context.Data.LoadFromEnumerable(Rows(128, 2))));
        Assert.IsGreaterThan(0.9, metrics.Accuracy, metrics.ToMarkdown());
        Assert.HasCount(40 * 16, steps);
        Assert.IsTrue(steps.All(s => s.StepsPerEpoch == 16));
        Assert.AreEqual(16, steps[15].Step);
    }

    [TestMethod]
    public void Fit_TextLabel_ExplainsMapValueToKey()
    {
        var context = new MLContext(seed: 1);
        var data = context.Transforms.Text.TokenizeIntoWords("QuestionWords", "Question")
            .Append(context.Transforms.Conversion.MapValueToKey("QuestionTokens", "QuestionWords"))
            .Fit(context.Data.LoadFromEnumerable(TinyAvqaData.Rows(8, 1)))
            .Transform(context.Data.LoadFromEnumerable(TinyAvqaData.Rows(8, 1)));
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            context.MissingModality().AvqaTrainer(new AvqaTrainerOptions { LabelColumnName = "Answer" }).Fit(data));
        StringAssert.Contains(error.Message, "'Answer'");
        StringAssert.Contains(error.Message, "MapValueToKey");
    }

    [TestMethod]
    public void Fit_NaNInVisual_NamesColumnAndRow()
    {
        var context = new MLContext(seed: 1);
        var rows = TinyAvqaData.Rows(20, 1);
        rows[13].Visual[5] = float.NaN;
        var error = Assert.ThrowsExactly<InvalidDataException>(() =>
            TinyAvqaData.Pipeline(context, epochs: 1).Fit(context.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(error.Message, "'Visual'");
        StringAssert.Contains(error.Message, "row 13");
    }

    [TestMethod]
    public void Options_Invalid_Rejected()
    {
        var catalog = new MLContext(1).MissingModality();
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => catalog.AvqaTrainer(new AvqaTrainerOptions { Epochs = 0 }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => catalog.AvqaTrainer(new AvqaTrainerOptions { LearningRate = -1 }));
        Assert.ThrowsExactly<ArgumentException>(() => catalog.AvqaTrainer(new AvqaTrainerOptions { EarlyStoppingPatience = 2 }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => catalog.AvqaTrainer(new AvqaTrainerOptions { PrefetchBatches = -1 }));
    }
}
