using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets.Synthetic;

namespace Microsoft.ML.MissingModality.Tests.Datasets.Synthetic;

[TestClass]
public sealed class SyntheticGeneratorTests
{
    private static List<SyntheticVideo> Tiny(int seed, string split = "train") =>
        new SyntheticGenerator(SyntheticPreset.Tiny, seed).Stream(split).ToList();

    [TestMethod]
    public void Stream_SameSeed_IdenticalFeaturesAndQuestions()
    {
        var a = Tiny(7);
        var b = Tiny(7);
        Assert.HasCount(a.Count, b);
        for (int i = 0; i < a.Count; i++)
        {
            CollectionAssert.AreEqual(a[i].Features!.Audio, b[i].Features!.Audio);
            CollectionAssert.AreEqual(a[i].Features!.Visual, b[i].Features!.Visual);
            CollectionAssert.AreEqual(a[i].Questions.Select(q => q.Record).ToList(), b[i].Questions.Select(q => q.Record).ToList());
        }
    }

    [TestMethod]
    public void Stream_DifferentSeed_DifferentData()
    {
        var a = Tiny(7);
        var b = Tiny(8);
        CollectionAssert.AreNotEqual(a[0].Features!.Audio, b[0].Features!.Audio);
        CollectionAssert.AreNotEqual(a[0].Features!.Visual, b[0].Features!.Visual);
        Assert.IsFalse(a.SelectMany(v => v.Questions).Select(q => q.Record.Question)
            .SequenceEqual(b.SelectMany(v => v.Questions).Select(q => q.Record.Question)));
    }

    [TestMethod]
    public void Stream_ScenesOnly_SameQuestionsAsWithFeatures()
    {
        var gen = new SyntheticGenerator(SyntheticPreset.Tiny, 3);
        var with = gen.Stream("val").SelectMany(v => v.Questions).Select(q => q.Record).ToList();
        var without = gen.Stream("val", renderFeatures: false).SelectMany(v => v.Questions).Select(q => q.Record).ToList();
        CollectionAssert.AreEqual(with, without);
    }

    [TestMethod]
    public void Stream_EverySplit_ExactSizesAndNoVideoInTwoSplits()
    {
        var gen = new SyntheticGenerator(SyntheticPreset.Small, 1);
        var owner = new Dictionary<string, string>();
        var questionIds = new HashSet<string>();
        foreach (var spec in gen.Preset.Splits)
        {
            var videos = gen.Stream(spec.Name, renderFeatures: false).ToList();
            Assert.HasCount(spec.Videos, videos);
            Assert.AreEqual(spec.Questions, videos.Sum(v => v.Questions.Count), spec.Name);
            foreach (var v in videos)
            {
                Assert.IsTrue(owner.TryAdd(v.VideoId, spec.Name), $"{v.VideoId} is in {owner.GetValueOrDefault(v.VideoId)} and {spec.Name}");
                Assert.IsTrue(v.Questions.All(q => q.Record.VideoId == v.VideoId));
                Assert.IsTrue(v.Questions.All(q => questionIds.Add(q.Record.QuestionId)));
            }
        }
    }

    [TestMethod]
    public void Stream_SmallPreset_All33TemplatesAnswersInVocabularyAndAgreeWithScene()
    {
        var gen = new SyntheticGenerator(SyntheticPreset.Small, 2);
        var seen = new HashSet<QuestionTemplate>();
        foreach (var v in gen.Stream("train", renderFeatures: false))
        {
            foreach (var q in v.Questions)
            {
                seen.Add(q.Template);
                Assert.IsTrue(MusicAvqaVocabulary.Contains(q.Record.Answer), q.Record.Answer);
                Assert.AreEqual(q.Record.Answer, q.Template.Answer(v.Scene, q.Arguments), q.Record.Question);
                Assert.AreEqual(q.Template.Fill(q.Arguments), q.Record.Question);
                Assert.AreEqual(q.Template.Type, q.Record.Type);
                Assert.AreEqual(q.Template.Text, q.Record.Template);
            }
        }
        Assert.HasCount(33, seen);
    }

    [TestMethod]
    public void Stream_TypeProportions_WithinOnePointOfRealSplit()
    {
        var real = RealSplit.Records();
        var synthetic = new SyntheticGenerator(SyntheticPreset.Small, 5).Stream("train", renderFeatures: false)
            .SelectMany(v => v.Questions).Select(q => q.Record.Type).ToList();
        foreach (var type in QuestionType.All)
        {
            double r = real.Count(x => x.Type == type) / (double)real.Count;
            double s = synthetic.Count(x => x == type) / (double)synthetic.Count;
            Assert.AreEqual(r, s, 0.01, $"{type}: real {r:P1}, synthetic {s:P1}");
        }
    }

    [TestMethod]
    public void Stream_Shapes_MapsByDefaultAndPooledOnRequest()
    {
        var maps = Tiny(1)[0].Features!;
        Assert.HasCount(SyntheticPreset.Tiny.Shape.AudioLength, maps.Audio!);
        Assert.HasCount(10 * 16 * 4 * 4, maps.Visual!);
        var pooledPreset = SyntheticPreset.Tiny.WithPooledVisual();
        CollectionAssert.AreEqual(new[] { 10, 16 }, pooledPreset.Shape.VisualShape);
        var pooled = new SyntheticGenerator(pooledPreset, 1).Stream("train").First().Features!;
        Assert.HasCount(10 * 16, pooled.Visual!);
        Assert.IsTrue(pooled.Visual!.All(float.IsFinite));
    }

    [TestMethod]
    public void Parse_UnknownPreset_ThrowsWithTheKnownNames()
    {
        Assert.AreSame(SyntheticPreset.MusicAvqa, SyntheticPreset.Parse("music-avqa"));
        var e = Assert.ThrowsExactly<ArgumentException>(() => SyntheticPreset.Parse("huge"));
        StringAssert.Contains(e.Message, "tiny, small, music-avqa");
    }

    [TestMethod]
    public void MusicAvqa_Preset_HasTheRealSizes()
    {
        var p = SyntheticPreset.MusicAvqa;
        Assert.AreEqual(9288, p.Videos);
        Assert.AreEqual(45867, p.Questions);
        Assert.AreEqual(FeatureShape.MusicAvqa, p.Shape);
        CollectionAssert.AreEqual(new[] { 32087, 4595, 9185 }, p.Splits.Select(s => s.Questions).ToArray());
    }
}
