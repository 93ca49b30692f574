using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets.Synthetic;

namespace Microsoft.ML.MissingModality.Tests.Datasets.Synthetic;

[TestClass]
public sealed class TemplateAnswerTests
{
    private static string? Ask(QuestionType type, string text, params string[] args) =>
        MusicAvqaTemplates.Find(type, text)!.Answer(SceneFixtures.Duet(), args);

    [TestMethod]
    public void Answer_AudioTemplates_CountOffScreenSoundsAndCompareSources()
    {
        Assert.AreEqual("yes", Ask(QuestionType.AudioCounting, "Is there a <Object> sound?", "drum"));
        Assert.AreEqual("no", Ask(QuestionType.AudioCounting, "Is there a <Object> sound?", "piano"));
        Assert.AreEqual("three", Ask(QuestionType.AudioCounting, "How many musical instruments were heard throughout the video?"));
        Assert.AreEqual("yes", Ask(QuestionType.AudioComparative, "Is the <Object> louder than the <Object>?", "violin", "cello"));
        Assert.AreEqual("yes", Ask(QuestionType.AudioComparative, "Is the <Object> more rhythmic than the <Object>?", "cello", "violin"));
        Assert.AreEqual("yes", Ask(QuestionType.AudioComparative, "Is the <Object> playing longer than the <Object>?", "violin", "cello"));
        Assert.IsNull(Ask(QuestionType.AudioComparative, "Is the <Object> louder than the <Object>?", "violin", "piano"));
    }

    [TestMethod]
    public void Answer_VisualTemplates_SeeSilentButNotOffScreenInstruments()
    {
        Assert.AreEqual("no", Ask(QuestionType.VisualCounting, "Is there a <Object> in the entire video?", "drum"));
        Assert.AreEqual("yes", Ask(QuestionType.VisualCounting, "Is there a <Object> in the entire video?", "piano"));
        Assert.AreEqual("three", Ask(QuestionType.VisualCounting, "How many types of musical instruments appeared in the entire video?"));
        Assert.AreEqual("cello", Ask(QuestionType.VisualLocation, "What is the instrument on the <LR> of <Object>?", "right", "piano"));
        Assert.AreEqual("violin", Ask(QuestionType.VisualLocation, "What kind of instrument is the <LRer> instrument? ", "leftest"));
        Assert.IsNull(Ask(QuestionType.VisualLocation, "What kind of musical instrument is it?"));
        Assert.AreEqual("indoor", Ask(QuestionType.VisualLocation, "Where is the performance?"));
    }

    [TestMethod]
    public void Answer_AudioVisualTemplates_TieSoundToSight()
    {
        var av = QuestionType.AudioVisualExistential;
        Assert.AreEqual("yes", Ask(av, "Is the <Object> in the video always playing?", "violin"));
        Assert.AreEqual("no", Ask(av, "Is the <Object> in the video always playing?", "cello"));
        Assert.AreEqual("yes", Ask(av, "Is there a voiceover?"));
        Assert.AreEqual("no", Ask(av, "Is this sound from the instrument in the video?"));
        var count = QuestionType.AudioVisualCounting;
        Assert.AreEqual("two", Ask(count, "How many instruments are sounding in the video?"));
        Assert.AreEqual("one", Ask(count, "How many instruments in the video did not sound from beginning to end?"));
        Assert.AreEqual("zero", Ask(count, "How many sounding <Object> in the video？", "piano"));
        Assert.AreEqual("two", Ask(count, "How many types of musical instruments sound in the video?"));
        var cmp = QuestionType.AudioVisualComparative;
        Assert.AreEqual("yes", Ask(cmp, "Is the <Object> on the <LR> louder than the <Object> on the <LR>?", "violin", "left", "cello", "right"));
        Assert.AreEqual("yes", Ask(cmp, "Is the instrument on the <LR> more rhythmic than the instrument on the <LR>?", "right", "left"));
        Assert.AreEqual("no", Ask(cmp, "Is the instrument on the <LR> louder than the instrument on the <LR>?", "middle", "left"));
    }

    [TestMethod]
    public void Answer_LocationAndTemporalTemplates_FollowOnsetsAndPositions()
    {
        var loc = QuestionType.AudioVisualLocation;
        Assert.AreEqual("yes", Ask(loc, "Is the <FL> sound coming from the <LR> instrument?", "first", "left"));
        Assert.AreEqual("left", Ask(loc, "Where is the <LL> instrument?", "loudest"));
        Assert.AreEqual("right", Ask(loc, "Where is the <LL> instrument?", "lowest"));
        Assert.AreEqual("cello", Ask(loc, "Which is the musical instrument that sounds at the same time as the <Object>?", "violin"));
        var tmp = QuestionType.AudioVisualTemporal;
        Assert.AreEqual("violin", Ask(tmp, "What is the <TH> instrument that comes in?", "first"));
        Assert.AreEqual("cello", Ask(tmp, "What is the <TH> instrument that comes in?", "second"));
        Assert.AreEqual("right", Ask(tmp, "Where is the <FL> sounding instrument?", "last"));
        Assert.AreEqual("cello", Ask(tmp, "Which instrument makes sounds <BA> the <Object>?", "after", "violin"));
        Assert.AreEqual("violin", Ask(tmp, "Which instrument makes sounds <BA> the <Object>?", "before", "cello"));
        Assert.IsNull(Ask(tmp, "Which <Object> makes the sound <FL>?", "violin", "first"));
    }

    [TestMethod]
    public void Answer_UnisonSection_HeardAsOneSoundButSeenAsItsPlayers()
    {
        var scene = new Scene(10, "classical", true,
        [
            new SceneInstrument("violin", true, 0.2f, 0.5f, SceneFixtures.Playing(0, 10, 0.3f), 0.2f),
            new SceneInstrument("violin", true, 0.4f, 0.5f, SceneFixtures.Playing(0, 10, 0.3f), 0.2f),
            new SceneInstrument("piano", true, 0.8f, 0.5f, SceneFixtures.Playing(0, 10, 0.5f), 0.5f),
        ], new float[10]);
        string? Answer(QuestionType type, string text, params string[] args) => MusicAvqaTemplates.Find(type, text)!.Answer(scene, args);
        Assert.AreEqual("two", Answer(QuestionType.AudioCounting, "How many musical instruments were heard throughout the video?"));
        Assert.AreEqual("two", Answer(QuestionType.VisualCounting, "How many <Object> are in the entire video?", "violin"));
        Assert.AreEqual("three", Answer(QuestionType.AudioVisualCounting, "How many instruments are sounding in the video?"));
        // The section's sound (0.3 + 0.3) is louder than the piano (0.5), though each violinist alone is softer.
        Assert.AreEqual("yes", Answer(QuestionType.AudioComparative, "Is the <Object> louder than the <Object>?", "violin", "piano"));
        Assert.AreEqual("no", Answer(QuestionType.AudioVisualComparative, "Is the <Object> on the <LR> louder than the <Object> on the <LR>?", "violin", "left", "piano", "right"));
    }

    [TestMethod]
    public void Answer_TwoViolinsComingInTogether_IsSimultaneously()
    {
        var scene = new Scene(10, "classical", false,
        [
            new SceneInstrument("violin", true, 0.2f, 0.5f, SceneFixtures.Playing(2, 10, 0.5f), 0.3f),
            new SceneInstrument("violin", true, 0.8f, 0.5f, SceneFixtures.Playing(2, 9, 0.6f), 0.3f),
        ], new float[10]);
        var t = MusicAvqaTemplates.Find(QuestionType.AudioVisualTemporal, "Which <Object> makes the sound <FL>?")!;
        Assert.AreEqual("simultaneously", t.Answer(scene, ["violin", "first"]));
        Assert.AreEqual("two", MusicAvqaTemplates.Find(QuestionType.VisualCounting, "How many <Object> are in the entire video?")!.Answer(scene, ["violin"]));
    }
}
