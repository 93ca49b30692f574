using Microsoft.ML.MissingModality.Charts;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Evaluation;
using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Tests.Charts;

[TestClass]
public sealed class AvqaChartsTests : Support.TempDirectoryTest
{
    // Every type answered right in the given share of 20 rows.
    static AvqaMetrics Metrics(double share) => AvqaMetrics.FromOutcomes(
        QuestionType.All.SelectMany(t => Enumerable.Range(0, 20).Select(i => (t, i < share * 20))));

    [TestMethod]
    public void AccuracyByType_ThreeScenarios_RendersOneBarPerSliceAndScenario()
    {
        var plot = AvqaCharts.AccuracyByType([("complete", Metrics(0.7)), ("audio missing", Metrics(0.5)), ("visual missing", Metrics(0.6))]);
        var bars = plot.GetPlottables<ScottPlot.Plottables.BarPlot>().ToList();
        Assert.HasCount(3, bars);
        Assert.IsTrue(bars.All(b => b.Bars.Count == 13), "9 types, 3 groups and All Avg");
        Assert.AreEqual(50, bars[1].Bars[^1].Value, 1e-9);
        AssertPng(plot.ToPng(), AvqaCharts.DefaultWidth, AvqaCharts.DefaultHeight);
        plot.SavePng(Path.Combine(Root, "types.png"), 640, 360);
        AssertPng(File.ReadAllBytes(Path.Combine(Root, "types.png")), 640, 360);
    }

    [TestMethod]
    public void AccuracyByType_TypeWithoutRows_LeavesItsBarOut()
    {
        var onlyAudio = AvqaMetrics.FromOutcomes([(QuestionType.All[0], true), (QuestionType.All[0], false)]);
        var bars = AvqaCharts.AccuracyByType([("one type", onlyAudio)]).GetPlottables<ScottPlot.Plottables.BarPlot>().Single();
        // The type itself, its group's average and All Avg.
        Assert.HasCount(3, bars.Bars);
    }

    [TestMethod]
    public void AccuracyByMissingRatio_TwoSeries_DrawsPercentPoints()
    {
        IReadOnlyList<(double, AvqaMetrics)> avst = [(0.0, Metrics(0.7)), (0.5, Metrics(0.6)), (1.0, Metrics(0.5))];
        IReadOnlyList<(double, AvqaMetrics)> method = [(1.0, Metrics(0.65)), (0.0, Metrics(0.7))];
        var plot = AvqaCharts.AccuracyByMissingRatio([("AVST", avst), ("RMM + AVR", method)]);
        var lines = plot.GetPlottables<ScottPlot.Plottables.Scatter>().ToList();
        Assert.HasCount(2, lines);
        var points = lines[1].Data.GetScatterPoints();
        Assert.AreEqual(0, points[0].X, 1e-9, "points are sorted by ratio");
        Assert.AreEqual(65, points[1].Y, 1e-9);
        AssertPng(plot.ToPng(), AvqaCharts.DefaultWidth, AvqaCharts.DefaultHeight);
    }

    [TestMethod]
    public void RecallErrorBySlots_WithTheMean_DrawsBothModalitiesOnTheirOwnAxesAndTheBar()
    {
        var plot = AvqaCharts.RecallErrorBySlots([(25, new RecallQuality(1.5, 0.2, 0.21, 0.7, 10)), (5, new RecallQuality(1.6, 0.1, 0.25, 0.6, 10))],
            meanRecall: new RecallQuality(1.55, 0.2, 0.2, 0.72, 10));
        var lines = plot.GetPlottables<ScottPlot.Plottables.Scatter>().ToList();
        Assert.HasCount(2, lines);
        Assert.AreEqual(1.6, lines[0].Data.GetScatterPoints()[0].Y, 1e-9, "sorted by slot count");
        Assert.AreSame(plot.Axes.Right, lines[1].Axes.YAxis, "visual MSE on the right axis");
        Assert.HasCount(2, plot.GetPlottables<ScottPlot.Plottables.HorizontalLine>().ToList());
        AssertPng(plot.ToPng(), AvqaCharts.DefaultWidth, AvqaCharts.DefaultHeight);
    }

    [TestMethod]
    public void AccuracyByDiffusionSteps_TwoScenarios_DrawsPercentPointsSortedBySteps()
    {
        IReadOnlyList<(int, AvqaMetrics)> complete = [(5, Metrics(0.6)), (0, Metrics(0.7))];
        IReadOnlyList<(int, AvqaMetrics)> audio = [(0, Metrics(0.5)), (5, Metrics(0.55))];
        var plot = AvqaCharts.AccuracyByDiffusionSteps([("complete", complete), ("audio missing", audio)]);
        var lines = plot.GetPlottables<ScottPlot.Plottables.Scatter>().ToList();
        Assert.HasCount(2, lines);
        Assert.AreEqual(70, lines[0].Data.GetScatterPoints()[0].Y, 1e-9);
        AssertPng(plot.ToPng(), AvqaCharts.DefaultWidth, AvqaCharts.DefaultHeight);
    }

    [TestMethod]
    public void TrainingCurves_ValidatedAndUnvalidated_DrawValidationOnlyWhereMeasured()
    {
        EpochReport Epoch(int e, double? val) => new(e, 3, 1.0 / e, 0.2 * e, val, 1e-4, TimeSpan.FromSeconds(1), false);
        var plot = AvqaCharts.TrainingCurves([
            ("AVST", [Epoch(1, 0.3), Epoch(2, 0.4), Epoch(3, 0.45)]),
            ("no validation", [Epoch(1, null), Epoch(2, null)]),
        ]);
        var lines = plot.GetPlottables<ScottPlot.Plottables.Scatter>().ToList();
        Assert.HasCount(3, lines, "train and validation for the first, train only for the second");
        Assert.AreEqual(40, lines[1].Data.GetScatterPoints()[1].Y, 1e-9, "accuracy in percent");
        AssertPng(plot.ToPng(), AvqaCharts.DefaultWidth, AvqaCharts.DefaultHeight);
    }

    [TestMethod]
    public void AccuracyByType_NoRows_Throws()
    {
        Assert.ThrowsExactly<ArgumentException>(() => AvqaCharts.AccuracyByType([]));
    }

    static void AssertPng(byte[] png, int width, int height)
    {
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        int Read(int at) => (png[at] << 24) | (png[at + 1] << 16) | (png[at + 2] << 8) | png[at + 3];
        Assert.AreEqual(width, Read(16));
        Assert.AreEqual(height, Read(20));
        Assert.IsGreaterThan(5_000, png.Length, "a drawn chart, not an empty canvas");
    }
}
