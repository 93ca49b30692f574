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
    public void RedrawSight_SoloistOrUnisonSectionWithTheSameSound_SameAudioViewSamples()
    {
        // One violinist, or two playing the same part at half the level each: the soundtrack is the same sum.
        var solo = new Scene(10, "classical", true,
        [
            new SceneInstrument("violin", true, 0.3f, 0.5f, SceneFixtures.Playing(0, 10, 0.8f), 0.2f),
            new SceneInstrument("piano", true, 0.7f, 0.5f, SceneFixtures.Playing(2, 10, 0.5f), 0.5f),
        ], new float[10]);
        var section = solo with
        {
            Instruments =
            [
                new SceneInstrument("violin", true, 0.1f, 0.5f, SceneFixtures.Playing(0, 10, 0.4f), 0.2f),
                new SceneInstrument("violin", true, 0.4f, 0.5f, SceneFixtures.Playing(0, 10, 0.4f), 0.2f),
                new SceneInstrument("piano", true, 0.7f, 0.5f, SceneFixtures.Playing(2, 10, 0.5f), 0.5f),
            ],
        };
        for (ulong seed = 0; seed < 20; seed++)
            Assert.AreEqual(Describe(SceneSampler.RedrawSight(solo, new SyntheticRandom(seed))), Describe(SceneSampler.RedrawSight(section, new SyntheticRandom(seed))));
    }

    [TestMethod]
    public void Sample_ManyScenes_SectionsMostlyPlayInUnison()
    {
        // MUSIC-AVQA: "Which <Object> makes the sound first?" is answered "simultaneously" 80 % of the time.
        var rng = new SyntheticRandom(2);
        int sections = 0, unison = 0;
        for (int k = 0; k < 3000; k++)
        {
            var s = SceneSampler.Sample(10, rng);
            foreach (var kind in s.VisibleSounding.GroupBy(i => i.Instrument).Where(g => g.Count() >= 2))
            {
                sections++;
                if (kind.Select(i => string.Concat(i.Loudness.Select(l => l > 0 ? '1' : '0'))).Distinct().Count() == 1) unison++;
            }
        }
        Assert.IsGreaterThan(200, sections);
        Assert.AreEqual(0.8, unison / (double)sections, 0.1);
    }

    [TestMethod]
    public void Sample_ManyScenes_KindsInViewOftenHaveSeveralPlayersAndSomeStandIdle()
    {
        var rng = new SyntheticRandom(3);
        int kinds = 0, several = 0, scenes = 3000, withIdle = 0, withNonSounding = 0;
        for (int k = 0; k < scenes; k++)
        {
            var s = SceneSampler.Sample(10, rng);
            foreach (var kind in s.Visible.GroupBy(i => i.Instrument))
            {
                kinds++;
                if (kind.Count() >= 2) several++;
            }
            if (s.Visible.GroupBy(i => i.Instrument).Any(g => !s.Heard.Any(h => h.Instrument == g.Key))) withIdle++;
            if (s.Visible.Any(i => !i.IsSounding)) withNonSounding++;
        }
        // Real "How many <Object> are in the entire video?": one player in 22 % of the non-zero answers.
        Assert.IsGreaterThan(0.5, several / (double)kinds);
        // Real "How many instruments in the video did not sound from beginning to end?": non-zero in 31 %.
        Assert.AreEqual(0.31, withNonSounding / (double)scenes, 0.1);
        Assert.AreEqual(SceneSampler.IdleInViewProbability, withIdle / (double)scenes, 0.04, "the audio view's prior for an idle kind");
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
