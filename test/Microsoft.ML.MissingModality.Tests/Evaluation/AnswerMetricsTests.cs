using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Datasets.Synthetic;
using Microsoft.ML.MissingModality.Evaluation;

namespace Microsoft.ML.MissingModality.Tests.Evaluation;

[TestClass]
public sealed class AnswerMetricsTests : Support.TempDirectoryTest
{
    [TestMethod]
    public void Builder_FourRows_MatchesHandComputedMulticlassMetrics()
    {
        var builder = new AnswerMetrics.Builder(["a", "b", "c"], topK: 2);
        builder.Add("a", "a", [0.7f, 0.2f, 0.1f]);   // right; the truth ranks first
        builder.Add("b", "a", [0.5f, 0.3f, 0.2f]);   // wrong; the truth ranks second
        builder.Add("c", "a", [0.6f, 0.3f, 0.1f]);   // wrong; the truth ranks third
        builder.Add("z", "a", [0.6f, 0.3f, 0.1f]);   // a true answer never seen in training
        var metrics = builder.Build();

        Assert.AreEqual(4, metrics.Rows);
        Assert.AreEqual(1, metrics.UnseenAnswerRows);
        Assert.AreEqual(0.25, metrics.MicroAccuracy, 1e-12);
        Assert.AreEqual(1.0 / 3, metrics.MacroAccuracy, 1e-12, "answers a, b, c: 1, 0, 0");
        Assert.AreEqual(0.5, metrics.TopKAccuracy, 1e-12);
        Assert.AreEqual((-Math.Log(0.7f) - Math.Log(0.3f) - Math.Log(0.1f)) / 3, metrics.LogLoss, 1e-6);
        Assert.AreEqual(1, metrics.Count("b", "a"));
        Assert.AreEqual(0, metrics.Count("a", "b"));
        var matrix = metrics.ConfusionMatrix();
        Assert.AreEqual(3, matrix.Rows.Count, "a row per true answer that occurs");
        CollectionAssert.AreEqual(new[] { "Truth", "Rows", "a" }, matrix.Columns.Select(c => c.Name).ToArray(), "a column per answer predicted");
    }

    [TestMethod]
    public void Evaluate_ScoredByTheAnswerer_CarriesMulticlassMetricsConsistentWithTheTypes()
    {
        string data = Path.Combine(Root, "data");
        new SyntheticGenerator(SyntheticPreset.Tiny, seed: 5).Generate(data);
        var mlContext = new MLContext(seed: 1);
        var mm = mlContext.MissingModality();
        var train = mlContext.Data.LoadFromAvqaDataset(data, "train");
        var model = mm.FeaturizeQuestion().Append(mm.MapAnswerToLabel())
            .Append(mm.AvqaTrainer(new AvqaTrainerOptions { Epochs = 3, HiddenSize = 16, LearningRate = 1e-3, Seed = 1 }))
            .Fit(train);

        var scored = model.Transform(mlContext.Data.LoadFromAvqaDataset(data, "test"));
        var metrics = mm.Evaluate(scored, topK: 3);
        var all = mm.Evaluate(scored, topK: 1000);

        var answers = metrics.Answers!;
        Assert.AreEqual(metrics.Overall.Rows, answers.Rows);
        Assert.AreEqual(metrics.Accuracy, answers.MicroAccuracy, 1e-12, "micro accuracy is All Avg");
        Assert.IsTrue(answers.TopKAccuracy >= answers.MicroAccuracy);
        Assert.AreEqual(1.0 * (answers.Rows - answers.UnseenAnswerRows) / answers.Rows, all.Answers!.TopKAccuracy, 1e-12,
            "with K beyond the vocabulary, every row with a known answer is a top-K hit");
        Assert.IsTrue(answers.LogLoss > 0 && answers.MacroAccuracy is >= 0 and <= 1);
        long inMatrix = answers.Answers.Sum(t => answers.Answers.Sum(p => answers.Count(t, p)));
        Assert.AreEqual(answers.Rows - answers.UnseenAnswerRows, inMatrix);

        // Text predictions without scores: the per-type metrics only.
        var textOnly = mm.Evaluate(scored, scoreColumnName: "NoSuchColumn");
        Assert.IsNull(textOnly.Answers);
        Assert.AreEqual(metrics.Overall, textOnly.Overall);
    }
}
