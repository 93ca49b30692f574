using System.Text.Json;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Evaluation;

namespace Microsoft.ML.MissingModality.Tests.Evaluation;

[TestClass]
public sealed class AvqaMetricsTests
{
    private static AvqaMetrics Sample() => AvqaMetrics.FromOutcomes(
    [
        (QuestionType.AudioCounting, true), (QuestionType.AudioCounting, false),          // 1/2
        (QuestionType.AudioComparative, true),                                            // 1/1
        (QuestionType.VisualLocation, false), (QuestionType.VisualLocation, false),       // 0/2
        (QuestionType.AudioVisualTemporal, true), (QuestionType.AudioVisualTemporal, true),
        (QuestionType.AudioVisualTemporal, true), (QuestionType.AudioVisualTemporal, false), // 3/4
    ]);

    [TestMethod]
    public void ToSummaryMarkdownTable_TwoRows_AlignedGroupAveragesThatFitATerminal()
    {
        var empty = AvqaMetrics.FromOutcomes([(QuestionType.AudioCounting, true)]);
        string table = AvqaMetrics.ToSummaryMarkdownTable([("AVST + RMM + AVR, visual missing", Sample()), ("one row", empty)]);
        var lines = table.TrimEnd('\n').Split('\n');
        Assert.HasCount(4, lines);
        Assert.IsTrue(lines.All(l => l.Length == lines[0].Length), table);
        Assert.IsLessThanOrEqualTo(80, lines[0].Length);
        StringAssert.Contains(lines[0], "|  Audio | Visual | Audio-Visual |    All |");
        StringAssert.Contains(lines[2], "|  66.67 |   0.00 |        75.00 |  55.56 |");
        StringAssert.Contains(lines[3], "| 100.00 |      — |            — | 100.00 |");
    }

    [TestMethod]
    public void FromOutcomes_GroupsArePooledOverRows_NotAveragedOverTypes()
    {
        var metrics = Sample();
        Assert.AreEqual(new AccuracyCount(2, 3), metrics.Groups[QuestionGroup.Audio]);     // pooled 2/3, not mean(0.5, 1.0)
        Assert.AreEqual(new AccuracyCount(0, 2), metrics.Groups[QuestionGroup.Visual]);
        Assert.AreEqual(new AccuracyCount(3, 4), metrics.Groups[QuestionGroup.AudioVisual]);
        Assert.AreEqual(new AccuracyCount(5, 9), metrics.Overall);
        Assert.AreEqual(5.0 / 9, metrics.Accuracy, 1e-12);
    }

    [TestMethod]
    public void Indexer_TypeWithoutRows_IsEmptyWithNaNAccuracy()
    {
        var empty = Sample()[QuestionType.VisualCounting];
        Assert.AreEqual(0, empty.Rows);
        Assert.IsTrue(double.IsNaN(empty.Accuracy));
    }

    [TestMethod]
    public void ToJson_HasTheCliShape()
    {
        using var json = JsonDocument.Parse(Sample().ToJson("audio"));
        var root = json.RootElement;
        Assert.AreEqual("audio", root.GetProperty("scenario").GetString());
        Assert.AreEqual(9, root.GetProperty("rows").GetInt64());
        Assert.AreEqual(5.0 / 9, root.GetProperty("overall").GetDouble(), 1e-6);
        Assert.AreEqual(2.0 / 3, root.GetProperty("groups").GetProperty("Audio").GetDouble(), 1e-6);
        Assert.AreEqual(0.75, root.GetProperty("groups").GetProperty("Audio-Visual").GetDouble(), 1e-6);
        var types = root.GetProperty("types");
        Assert.AreEqual(9, types.EnumerateObject().Count());
        Assert.AreEqual(0.5, types.GetProperty("Audio/Counting").GetDouble(), 1e-6);
        Assert.AreEqual(JsonValueKind.Null, types.GetProperty("Visual/Counting").ValueKind);
    }

    [TestMethod]
    public void ToMarkdown_PaperLayout_PercentagesAndDashForEmpty()
    {
        string[] lines = Sample().ToMarkdown("AVST").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(3, lines);
        StringAssert.StartsWith(lines[0], "| | Audio Counting | Audio Comparative | Audio Avg | Visual Counting | Visual Location | Visual Avg | Audio-Visual Existential");
        StringAssert.EndsWith(lines[0], "Audio-Visual Avg | All Avg |");
        StringAssert.StartsWith(lines[2], "| AVST | 50.00 | 100.00 | 66.67 | — | 0.00 | 0.00 |");
        StringAssert.EndsWith(lines[2], "| 75.00 | 75.00 | 55.56 |");
    }

    [TestMethod]
    public void ToDataFrame_TypesThenGroupsThenAll()
    {
        var frame = Sample().ToDataFrame();
        Assert.AreEqual(13, frame.Rows.Count);
        Assert.AreEqual("Audio/Counting", frame["Slice"][0]);
        Assert.AreEqual(0.5, (double)frame["Accuracy"][0]!, 1e-12);
        Assert.AreEqual("Audio", frame["Slice"][9]);
        Assert.AreEqual(3L, frame["Rows"][9]);
        Assert.AreEqual("All", frame["Slice"][12]);
        Assert.AreEqual(9L, frame["Rows"][12]);
        Assert.IsTrue(double.IsNaN((double)frame["Accuracy"][2]!), "Visual/Counting has no rows");
    }
}
