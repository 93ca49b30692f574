using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Evaluation;

namespace Microsoft.ML.MissingModality.Tests.Evaluation;

[TestClass]
public sealed class AvqaEvaluationTests
{
    private sealed class Scored
    {
        public string Answer { get; set; } = "";
        public string Predicted { get; set; } = "";
        public string QuestionType { get; set; } = "";
    }

    private static IDataView Data(MLContext context, params (string Answer, string Predicted, string Type)[] rows) =>
        context.Data.LoadFromEnumerable(rows.Select(r => new Scored { Answer = r.Answer, Predicted = r.Predicted, QuestionType = r.Type }));

    [TestMethod]
    public void Evaluate_TextColumns_CountsMatchesPerType()
    {
        var context = new MLContext(seed: 1);
        var data = Data(context, ("yes", "yes", "Audio/Counting"), ("two", "one", "Audio/Counting"), ("left", "left", "Visual/Location"));
        var metrics = context.MissingModality().Evaluate(data, labelColumnName: "Answer", predictedLabelColumnName: "Predicted");
        Assert.AreEqual(new AccuracyCount(1, 2), metrics[QuestionType.AudioCounting]);
        Assert.AreEqual(new AccuracyCount(1, 1), metrics[QuestionType.VisualLocation]);
    }

    [TestMethod]
    public void Evaluate_KeyColumnsFromDifferentDictionaries_ComparesByText()
    {
        var context = new MLContext(seed: 1);
        var raw = Data(context, ("yes", "no", "Audio/Counting"), ("no", "no", "Audio/Counting"), ("two", "two", "Visual/Counting"));
        // Keys built independently: the same word gets different key numbers on the two sides.
        var keyed = context.Transforms.Conversion.MapValueToKey("Answer")
            .Append(context.Transforms.Conversion.MapValueToKey("Predicted", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue))
            .Fit(raw).Transform(raw);
        var metrics = context.MissingModality().Evaluate(keyed, labelColumnName: "Answer", predictedLabelColumnName: "Predicted");
        Assert.AreEqual(new AccuracyCount(2, 3), metrics.Overall);
    }

    [TestMethod]
    public void Evaluate_UnknownQuestionType_NamesColumnAndRow()
    {
        var context = new MLContext(seed: 1);
        var data = Data(context, ("yes", "yes", "Audio/Counting"), ("yes", "yes", "Audio/Counting"), ("yes", "yes", "Audio/Countin"));
        var error = Assert.ThrowsExactly<InvalidDataException>(() => context.MissingModality().Evaluate(data, labelColumnName: "Answer", predictedLabelColumnName: "Predicted"));
        StringAssert.Contains(error.Message, "'QuestionType'");
        StringAssert.Contains(error.Message, "row 2");
        StringAssert.Contains(error.Message, "Audio/Countin");
    }

    [TestMethod]
    public void Evaluate_MissingColumn_NamesIt()
    {
        var context = new MLContext(seed: 1);
        var data = Data(context, ("yes", "yes", "Audio/Counting"));
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => context.MissingModality().Evaluate(data, labelColumnName: "Answer"));
        StringAssert.Contains(error.Message, "'PredictedLabel'");
    }
}
