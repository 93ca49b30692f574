namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// Generates a synthetic MUSIC-AVQA-like dataset video by video. Everything is a pure function of
/// (preset, seed): each video's scene, questions and feature noise come from streams derived from
/// (seed, split, index), so a split can be streamed without holding it in memory and regenerated exactly.
/// Videos never cross splits: ids are numbered through train, val and test in that order.
/// </summary>
public sealed partial class SyntheticGenerator
{
    /// <summary>Creates a generator for <paramref name="preset"/> with <paramref name="seed"/>.</summary>
    public SyntheticGenerator(SyntheticPreset preset, int seed)
    {
        ArgumentNullException.ThrowIfNull(preset);
        Preset = preset;
        Seed = seed;
        Synthesizer = new FeatureSynthesizer(preset.Shape, seed);
    }

    /// <summary>The preset being generated.</summary>
    public SyntheticPreset Preset { get; }

    /// <summary>The seed every stream derives from.</summary>
    public int Seed { get; }

    /// <summary>The renderer (its signatures depend on the seed only).</summary>
    public FeatureSynthesizer Synthesizer { get; }

    /// <summary>
    /// Streams the videos of one split in order. With <paramref name="renderFeatures"/> false, only scenes and
    /// questions are produced (fast; used by the difficulty report); they are identical either way.
    /// </summary>
    /// <exception cref="ArgumentException">The preset has no such split.</exception>
    public IEnumerable<SyntheticVideo> Stream(string split, bool renderFeatures = true)
    {
        var spec = Preset.Split(split);
        int splitIndex = Preset.Splits.ToList().IndexOf(spec);
        int firstVideo = Preset.Splits.Take(splitIndex).Sum(s => s.Videos);
        int firstQuestion = Preset.Splits.Take(splitIndex).Sum(s => s.Questions);
        return StreamCore(spec, splitIndex, firstVideo, firstQuestion, renderFeatures);
    }

    private IEnumerable<SyntheticVideo> StreamCore(SyntheticSplit spec, int splitIndex, int firstVideo, int firstQuestion, bool renderFeatures)
    {
        var sampler = new QuestionSampler();
        int nextQuestion = firstQuestion, shortfall = 0;
        for (int i = 0; i < spec.Videos; i++)
        {
            string videoId = $"v{firstVideo + i:D6}";
            ulong Stream(ulong purpose) => SyntheticRandom.Derive((ulong)Seed, (ulong)splitIndex, (ulong)i, purpose);
            var scene = SceneSampler.Sample(Preset.Shape.Segments, new SyntheticRandom(Stream(1)));
            // Spread the split's questions evenly; carry any a video could not take to the next one.
            int planned = (int)((long)(i + 1) * spec.Questions / spec.Videos - (long)i * spec.Questions / spec.Videos);
            if (i == spec.Videos - 1) planned = firstQuestion + spec.Questions - nextQuestion;
            else planned += shortfall;
            var questions = sampler.Draw(scene, videoId, planned, ref nextQuestion, new SyntheticRandom(Stream(2)));
            shortfall = planned - questions.Count;
            ulong renderSeed = Stream(3);
            var features = renderFeatures ? Synthesizer.Render(videoId, scene, renderSeed) : null;
            yield return new SyntheticVideo(videoId, spec.Name, scene, renderSeed, features, questions);
        }
    }
}
