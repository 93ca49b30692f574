using System.Text.Json;
using Microsoft.ML.MissingModality.Datasets.Synthetic;

namespace Microsoft.ML.MissingModality.Tests.Datasets.Synthetic;

[TestClass]
public sealed class DifficultyReportTests
{
    private static readonly DifficultyReport Report = DifficultyReport.Compute(new SyntheticGenerator(SyntheticPreset.Small, 1));

    [TestMethod]
    public void Compute_FullOracle_Is100PercentOnEveryRow()
    {
        Assert.HasCount(13, Report.Rows);
        foreach (var row in Report.Rows)
            Assert.AreEqual(1.0, row.FullOracle, row.Name);
        Assert.AreEqual(SyntheticPreset.Small.Split("test").Questions, Report.Rows[^1].Questions);
    }

    [TestMethod]
    public void Compute_ModalityOracles_PerfectOnTheirOwnGroupOnly()
    {
        var audio = Report.Rows.Single(r => r.Name == "Audio");
        var visual = Report.Rows.Single(r => r.Name == "Visual");
        Assert.AreEqual(1.0, audio.AudioOracle);
        Assert.AreEqual(1.0, visual.VisualOracle);
        Assert.IsLessThan(1.0, audio.VisualOracle);
        Assert.IsLessThan(1.0, visual.AudioOracle);
        // Partly, not fully, recoverable: each one-modality oracle beats guessing but not the full oracle overall.
        var all = Report.Rows[^1];
        Assert.IsGreaterThan(all.Majority, all.AudioOracle);
        Assert.IsGreaterThan(all.Majority, all.VisualOracle);
        Assert.IsLessThan(1.0, all.AudioOracle);
        Assert.IsLessThan(1.0, all.VisualOracle);
    }

    [TestMethod]
    public void Compute_OneModalityOracles_OnlyPartlyRecoverTheOtherGroup()
    {
        // Generator version 3: audio cannot count a section or see an idle instrument, the picture cannot hear.
        var audio = Report.Rows.Single(r => r.Name == "Audio");
        var visual = Report.Rows.Single(r => r.Name == "Visual");
        Assert.IsLessThan(0.7, visual.AudioOracle);
        Assert.IsGreaterThan(visual.QuestionOnly + 0.1, visual.AudioOracle);
        Assert.IsLessThan(0.8, audio.VisualOracle);
        Assert.IsGreaterThan(audio.QuestionOnly + 0.05, audio.VisualOracle);
    }

    [TestMethod]
    public void Format_MarkdownAndJson_HaveEveryRow()
    {
        string md = Report.ToMarkdown();
        foreach (var row in Report.Rows)
            StringAssert.Contains(md, row.Name);
        using var json = JsonDocument.Parse(Report.ToJson());
        Assert.AreEqual(13, json.RootElement.GetProperty("rows").GetArrayLength());
        Assert.AreEqual("small", json.RootElement.GetProperty("preset").GetString());
    }

    [TestMethod]
    public void Compute_SameSeed_SameReport()
    {
        var again = DifficultyReport.Compute(new SyntheticGenerator(SyntheticPreset.Small, 1));
        Assert.AreEqual(Report.ToJson(), again.ToJson());
    }
}
