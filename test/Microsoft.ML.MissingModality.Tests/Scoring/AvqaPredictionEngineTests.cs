using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Datasets.Synthetic;

namespace Microsoft.ML.MissingModality.Tests.Scoring;

[TestClass]
public sealed class AvqaPredictionEngineTests : Support.TempDirectoryTest
{
    [TestMethod]
    public void CreatePredictionEngine_LoadedModelZip_AnswersAsBatchTransformDoes()
    {
        string data = Path.Combine(Root, "data"), zip = Path.Combine(Root, "avqa.zip");
        new SyntheticGenerator(SyntheticPreset.Tiny, seed: 4).Generate(data);
        var mlContext = new MLContext(seed: 1);
        var mm = mlContext.MissingModality();
        var train = mlContext.Data.LoadFromAvqaDataset(data, "train");
        var model = mm.FeaturizeQuestion().Append(mm.MapAnswerToLabel())
            .Append(mm.AvqaTrainer(new AvqaTrainerOptions { Epochs = 2, HiddenSize = 16, LearningRate = 1e-3, Seed = 1 }))
            .Fit(train);
        mlContext.Model.Save(model, train.Schema, zip);

        // A fresh context, the zip alone: no MapKeyToValue in the pipeline, so the engine adds it.
        var served = new MLContext(seed: 1);
        var loaded = served.Model.Load(zip, out var inputSchema);
        var engine = served.MissingModality().CreatePredictionEngine(loaded, inputSchema);

        var test = mlContext.Data.LoadFromAvqaDataset(data, "test");
        var batch = mlContext.Transforms.Conversion.MapKeyToValue("PredictedAnswer", "PredictedLabel").Fit(model.Transform(test)).Transform(model.Transform(test));
        var expected = batch.GetColumn<ReadOnlyMemory<char>>("PredictedAnswer").Select(a => a.ToString()).Take(8).ToList();
        var expectedScores = batch.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).Take(8).ToList();
        var videos = new SyntheticGenerator(SyntheticPreset.Tiny, seed: 4).Stream("test").SelectMany(v => v.Questions.Select(q => (v.Features!, q.Record))).Take(8).ToList();
        for (int i = 0; i < videos.Count; i++)
        {
            var (features, question) = videos[i];
            var answer = engine.Predict(new AvqaQuestion { Question = question.Question, Audio = features.Audio!, Visual = features.Visual! });
            Assert.AreEqual(expected[i], answer.PredictedAnswer, $"question {i}: {question.Question}");
            Assert.AreEqual(1.0, answer.Score.Sum(), 1e-4);
            Assert.HasCount(expectedScores[i].Length, answer.Score);
            for (int k = 0; k < answer.Score.Length; k++)
                Assert.AreEqual(expectedScores[i][k], answer.Score[k], 1e-5, $"question {i}, answer {k}");
        }
    }

    [TestMethod]
    public void CreatePredictionEngine_SchemaWithoutFeatures_NamesTheColumn()
    {
        var mlContext = new MLContext(seed: 1);
        var schema = mlContext.Data.LoadFromEnumerable(new[] { new { Question = "q" } }).Schema;
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => mlContext.MissingModality().CreatePredictionEngine(new TransformerChain<ITransformer>(), schema));
        StringAssert.Contains(error.Message, "'Audio'");
    }
}
