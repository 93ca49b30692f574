using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets.Synthetic;

namespace Microsoft.ML.MissingModality.Tests.Datasets.Synthetic;

[TestClass]
public sealed class FeatureSynthesizerTests
{
    private static readonly FeatureSynthesizer Synth = new(new FeatureShape(10, 128, [16, 7, 7]), seed: 11);

    private static Scene With(Scene scene, int index, Func<SceneInstrument, SceneInstrument> change)
    {
        var list = scene.Instruments.ToList();
        list[index] = change(list[index]);
        return scene with { Instruments = list };
    }

    private static (bool Audio, bool Visual) Changed(Scene before, Scene after)
    {
        var a = Synth.Render("v", before, 99);
        var b = Synth.Render("v", after, 99);
        return (!a.Audio!.SequenceEqual(b.Audio!), !a.Visual!.SequenceEqual(b.Visual!));
    }

    [TestMethod]
    public void Render_LouderInstrument_ChangesOnlyAudio()
    {
        var scene = SceneFixtures.Duet();
        var louder = With(scene, 2, i => i with { Loudness = i.Loudness.Select(l => l * 2).ToArray() });
        Assert.AreEqual((true, false), Changed(scene, louder));
    }

    [TestMethod]
    public void Render_MoreRhythmicOrVoiceover_ChangesOnlyAudio()
    {
        var scene = SceneFixtures.Duet();
        Assert.AreEqual((true, false), Changed(scene, With(scene, 0, i => i with { Rhythm = 0.9f })));
        Assert.AreEqual((true, false), Changed(scene, scene with { Voiceover = new float[10] }));
    }

    [TestMethod]
    public void Render_MovedOrSilentOrOffScreenInstrument_ChangesOnlyVisual()
    {
        var scene = SceneFixtures.Duet();
        Assert.AreEqual((false, true), Changed(scene, With(scene, 0, i => i with { X = 0.4f })));
        Assert.AreEqual((false, true), Changed(scene, With(scene, 1, i => i with { Instrument = "guzheng" })));   // silent: never heard
        Assert.AreEqual((false, true), Changed(scene, With(scene, 3, i => i with { OnScreen = true, X = 0.3f, Y = 0.4f })));
        Assert.AreEqual((false, true), Changed(scene, scene with { Indoor = false }));
    }

    [TestMethod]
    public void Render_InstrumentBlob_PeaksAtItsPosition()
    {
        var shape = new FeatureShape(1, 8, [64, 14, 14]);
        var synth = new FeatureSynthesizer(shape, 3);
        var scene = new Scene(1, "classical", true, [new SceneInstrument("piano", true, 0.1f, 0.5f, [0.5f], 0.5f)], [0f]);
        var empty = scene with { Instruments = [scene.Instruments[0] with { OnScreen = false }] };
        float[] with = synth.RenderVisual(scene, 1), without = synth.RenderVisual(empty, 1);
        var energy = new double[196];
        for (int c = 0; c < 64; c++)
            for (int p = 0; p < 196; p++) energy[p] += with[c * 196 + p] - without[c * 196 + p];
        int peak = Array.IndexOf(energy, energy.Max());
        Assert.AreEqual(1, peak % 14, "column of x = 0.1 on a 14-wide grid");
        Assert.AreEqual(7, peak / 14, 1, "row of y = 0.5");
    }

    [TestMethod]
    public void RenderVisual_Pooled_IsTheMeanOfThe7x7Map()
    {
        var scene = SceneFixtures.Duet();
        var maps = new FeatureSynthesizer(new FeatureShape(10, 128, [16, 7, 7]), 5).RenderVisual(scene, 42);
        var pooled = new FeatureSynthesizer(new FeatureShape(10, 128, [16]), 5).RenderVisual(scene, 42);
        for (int row = 0; row < 10 * 16; row++)
            Assert.AreEqual(maps.AsSpan(row * 49, 49).ToArray().Average(), pooled[row], 1e-5, $"row {row}");
    }

    [TestMethod]
    public void Render_SceneWithOtherSegmentCount_Throws()
    {
        var scene = SceneFixtures.Duet() with { Segments = 5 };
        Assert.ThrowsExactly<ArgumentException>(() => Synth.RenderAudio(scene, 1));
    }
}
