using System.Globalization;
using Microsoft.ML.MissingModality.Datasets.Synthetic;

namespace Microsoft.ML.MissingModality.Tests.Datasets.Synthetic;

[TestClass]
public sealed class SceneSamplerTests
{
    private static string Describe(Scene s) =>
        string.Create(CultureInfo.InvariantCulture, $"{s.Ensemble} {s.Indoor} voice[{string.Join(",", s.Voiceover)}] ") +
        string.Join(" | ", s.Instruments.Select(i => string.Create(CultureInfo.InvariantCulture,
            $"{i.Instrument} {i.OnScreen} {i.X} {i.Y} {i.Rhythm} [{string.Join(",", i.Loudness)}]")));

    private static Scene Replace(Scene scene, int index, Func<SceneInstrument, SceneInstrument> change)
    {
        var list = scene.Instruments.ToList();
        list[index] = change(list[index]);
        return scene with { Instruments = list };
    }

    [TestMethod]
    public void RedrawSight_ScenesDifferingOnlyInWhatIsSeen_SameAudioViewSamples()
    {
        var a = SceneFixtures.Duet();
        var b = Replace(Replace(Replace(a, 0, i => i with { X = 0.6f, Y = 0.2f }), 1, i => i with { Instrument = "guzheng" }),
            3, i => i with { OnScreen = true, X = 0.3f, Y = 0.4f }) with { Indoor = false };
        for (ulong seed = 0; seed < 20; seed++)
            Assert.AreEqual(Describe(SceneSampler.RedrawSight(a, new SyntheticRandom(seed))), Describe(SceneSampler.RedrawSight(b, new SyntheticRandom(seed))));
    }

    [TestMethod]
    public void RedrawSound_ScenesDifferingOnlyInWhatIsHeard_SameVisualViewSamples()
    {
        var a = SceneFixtures.Duet();
        var b = Replace(Replace(a, 0, i => i with { Loudness = SceneFixtures.Playing(4, 6, 0.2f), Rhythm = 0.9f }), 1,
            i => i with { Loudness = SceneFixtures.Playing(0, 10, 1f) }) with
        {
            Voiceover = new float[10],
            Instruments = a.Instruments.Take(3).ToList(),   // no off-screen drum
        };
        for (ulong seed = 0; seed < 20; seed++)
            Assert.AreEqual(Describe(SceneSampler.RedrawSound(a, new SyntheticRandom(seed))), Describe(SceneSampler.RedrawSound(b, new SyntheticRandom(seed))));
    }

    [TestMethod]
    public void Sample_ManyScenes_EveryInstrumentValidAndSomethingSounds()
    {
        var rng = new SyntheticRandom(1);
        for (int k = 0; k < 2000; k++)
        {
            var s = SceneSampler.Sample(10, rng);
            Assert.IsTrue(s.Visible.Any(), "a video shows at least one instrument");
            Assert.IsTrue(s.Heard.Any(), "a video has some music");
            Assert.IsTrue(s.Instruments.All(i => MusicAvqaVocabulary.Instruments.Contains(i.Instrument)));
            Assert.IsTrue(s.Visible.All(i => i.X is >= 0 and <= 1 && i.Y is >= 0 and <= 1));
        }
    }
}
