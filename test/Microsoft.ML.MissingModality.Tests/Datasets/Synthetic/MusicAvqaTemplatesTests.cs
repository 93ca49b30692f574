using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets.Synthetic;

namespace Microsoft.ML.MissingModality.Tests.Datasets.Synthetic;

[TestClass]
public sealed class MusicAvqaTemplatesTests
{
    [TestMethod]
    public void All_Always_Has33TemplatesCoveringNineTypes()
    {
        Assert.HasCount(33, MusicAvqaTemplates.All);
        Assert.HasCount(9, MusicAvqaTemplates.All.Select(t => t.Type).Distinct());
    }

    [TestMethod]
    public void All_RealValidationSplit_SameTemplatesAndCounts()
    {
        var real = RealSplit.Records().GroupBy(r => (r.Type, r.Template)).ToDictionary(g => g.Key, g => g.Count());
        Assert.HasCount(real.Count, MusicAvqaTemplates.All);
        foreach (var t in MusicAvqaTemplates.All)
        {
            Assert.IsTrue(real.TryGetValue((t.Type, t.Text), out int n), $"Not a real template: {t}");
            Assert.AreEqual(n, t.RealCount, t.ToString());
        }
    }

    [TestMethod]
    public void Fill_Placeholders_ReplacedInOrderAndTrimmed()
    {
        var t = MusicAvqaTemplates.Find(QuestionType.AudioVisualComparative, "Is the <Object> on the <LR> louder than the <Object> on the <LR>?")!;
        Assert.AreEqual("Is the violin on the left louder than the cello on the right?", t.Fill(["violin", "left", "cello", "right"]));
        Assert.AreEqual(4, t.PlaceholderCount);
        var spaced = MusicAvqaTemplates.Find(QuestionType.AudioCounting, "Are there <Object> and <Object> sound? ")!;
        Assert.AreEqual("Are there piano and flute sound?", spaced.Fill(["piano", "flute"]));
    }

    [TestMethod]
    public void Answer_WrongArgumentCount_Throws()
    {
        var t = MusicAvqaTemplates.All[0];
        Assert.ThrowsExactly<ArgumentException>(() => t.Answer(SceneFixtures.Duet(), ["a", "b", "c", "d", "e"]));
    }
}
