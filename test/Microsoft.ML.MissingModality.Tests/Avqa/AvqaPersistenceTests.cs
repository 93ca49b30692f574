using System.Text.Json;
using Microsoft.ML.MissingModality.ModelProbe;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Avqa;

[TestClass]
public sealed class AvqaPersistenceTests
{
    [TestMethod]
    public void SaveLoad_FreshContextAndFreshProcess_SamePredictions()
    {
        var context = new MLContext(seed: 1);
        var trainRows = TinyAvqaData.Rows(96, seed: 1);
        var data = context.Data.LoadFromEnumerable(trainRows);
        var model = TinyAvqaData.Pipeline(context, epochs: 8).Fit(data);
        var rows = TinyAvqaData.Rows(12, seed: 9);
        var before = Predict(context, model, rows);

        string directory = TestPaths.NewTempDirectory();
        try
        {
            string path = Path.Combine(directory, "avqa.zip");
            context.Model.Save(model, data.Schema, path);

            var fresh = new MLContext(seed: 42);
            var loaded = fresh.Model.Load(path, out _);
            var afterLoad = Predict(fresh, loaded, rows);
            for (int i = 0; i < rows.Count; i++)
            {
                Assert.AreEqual(before[i].PredictedAnswer, afterLoad[i].PredictedAnswer);
                FloatAssert.AreClose(before[i].Score, afterLoad[i].Score);
            }

            string input = Path.Combine(directory, "rows.json"), output = Path.Combine(directory, "predictions.json");
            File.WriteAllText(input, JsonSerializer.Serialize(rows.Select(r => new AvqaRow { Question = r.Question, Audio = r.Audio, Visual = r.Visual })));
            ProbeProcess.Run("avqa", path, input, output);
            var afterProcess = JsonSerializer.Deserialize<List<AvqaPrediction>>(File.ReadAllText(output))!;
            for (int i = 0; i < rows.Count; i++)
            {
                Assert.AreEqual(before[i].PredictedAnswer, afterProcess[i].PredictedAnswer);
                FloatAssert.AreClose(before[i].Score, afterProcess[i].Score);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static List<TinyAvqaData.Prediction> Predict(MLContext context, ITransformer model, List<TinyAvqaData.Row> rows)
    {
        var engine = context.Model.CreatePredictionEngine<TinyAvqaData.Row, TinyAvqaData.Prediction>(model);
        return rows.Select(r =>
        {
            var p = engine.Predict(r);
            return new TinyAvqaData.Prediction { PredictedAnswer = p.PredictedAnswer, Score = p.Score.ToArray() };
        }).ToList();
    }
}
