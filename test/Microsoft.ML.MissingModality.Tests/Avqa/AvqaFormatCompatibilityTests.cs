using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Avqa;

[TestClass]
public sealed class AvqaFormatCompatibilityTests
{
    private static string Fixture(string name) =>
        Path.Combine(TestPaths.RepoRoot, "test", "Microsoft.ML.MissingModality.Tests", "Avqa", "Fixtures", "format-1", name);

    public sealed class Row
    {
        public string Question { get; set; } = "";
        public string Answer { get; set; } = "";
        [VectorType(2, 4)] public float[] Audio { get; set; } = [];
        [VectorType(2, 3, 2, 2)] public float[] Visual { get; set; } = [];
    }

    public sealed class Prediction
    {
        public string PredictedAnswer { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    [TestMethod]
    public void Load_ZipOfFormatOne_AnswersAsTheBuildThatSavedIt()
    {
        var context = new MLContext(seed: 1);
        var model = context.Model.Load(Fixture("avqa.zip"), out _);
        var rows = JsonSerializer.Deserialize<List<Row>>(File.ReadAllText(Fixture("rows.json")))!;
        var expected = JsonSerializer.Deserialize<List<Prediction>>(File.ReadAllText(Fixture("predictions.json")))!;
        var engine = context.Model.CreatePredictionEngine<Row, Prediction>(model);
        for (int i = 0; i < rows.Count; i++)
        {
            var actual = engine.Predict(rows[i]);
            Assert.AreEqual(expected[i].PredictedAnswer, actual.PredictedAnswer);
            FloatAssert.AreClose(expected[i].Score, actual.Score);
        }
    }
}
