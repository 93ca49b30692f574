using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// A named size of the synthetic benchmark: feature shape and split sizes. <see cref="Tiny"/> is for unit tests,
/// <see cref="Small"/> for the demo on a laptop, <see cref="MusicAvqa"/> has the real dataset's sizes and shapes.
/// </summary>
/// <param name="Name">The name used on the command line.</param>
/// <param name="Shape">Feature shape of every video.</param>
/// <param name="Splits">The splits, in the order they are generated (train, val, test).</param>
public sealed record SyntheticPreset(string Name, FeatureShape Shape, IReadOnlyList<SyntheticSplit> Splits)
{
    /// <summary>60 videos, 300 questions, visual <c>[10,16,4,4]</c>: generated in well under a second.</summary>
    public static SyntheticPreset Tiny { get; } = new("tiny", new FeatureShape(10, 128, [16, 4, 4]),
        [new("train", 40, 200), new("val", 10, 50), new("test", 10, 50)]);

    /// <summary>
    /// 2,040 videos, 10,074 questions, visual <c>[10,64,7,7]</c>: the whole pipeline trains on two CPU cores in minutes.
    /// Its training split (1,680 videos, 8,296 questions; a quarter of MUSIC-AVQA's) is four times version 3's, since AVST
    /// learned next to nothing from 2,074 questions; its test split (300 videos, 1,482 questions) is larger than
    /// MUSIC-AVQA's share so that group accuracies are read to about ±2.5 points.
    /// </summary>
    public static SyntheticPreset Small { get; } = new("small", new FeatureShape(10, 128, [64, 7, 7]),
        [new("train", 1680, 8296), new("val", 60, 296), new("test", 300, 1482)]);

    /// <summary>
    /// MUSIC-AVQA's sizes: 9,288 videos and 45,867 questions (train 32,087 / val 4,595 / test 9,185), visual
    /// <c>[10,512,14,14]</c>. Videos per split follow the question proportions (the paper gives only totals).
    /// </summary>
    public static SyntheticPreset MusicAvqa { get; } = new("music-avqa", FeatureShape.MusicAvqa,
        [new("train", 6498, 32087), new("val", 930, 4595), new("test", 1860, 9185)]);

    /// <summary>The three presets.</summary>
    public static IReadOnlyList<SyntheticPreset> All { get; } = [Tiny, Small, MusicAvqa];

    /// <summary>Total videos over all splits.</summary>
    public int Videos => Splits.Sum(s => s.Videos);

    /// <summary>Total questions over all splits.</summary>
    public int Questions => Splits.Sum(s => s.Questions);

    /// <summary>The preset named <paramref name="name"/> (<c>tiny</c>, <c>small</c>, <c>music-avqa</c>).</summary>
    /// <exception cref="ArgumentException">No preset has that name.</exception>
    public static SyntheticPreset Parse(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown preset '{name}'. Expected one of: {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));

    /// <summary>The same preset with pooled visual features <c>[T, C]</c> (the map averaged over H×W).</summary>
    public SyntheticPreset WithPooledVisual() =>
        this with { Shape = new FeatureShape(Shape.Segments, Shape.AudioDim, [Shape.VisualChannels]) };

    /// <summary>The splits named in <paramref name="names"/>, in the preset's order; null: every split.</summary>
    /// <remarks>The exception's message is a sentence of its own (no parameter suffix): the CLI shows it as it is.</remarks>
    /// <exception cref="ArgumentException"><paramref name="names"/> is empty, or names a split the preset lacks.</exception>
    public IReadOnlyList<SyntheticSplit> SplitsNamed(IReadOnlyCollection<string>? names)
    {
        if (names is null)
            return Splits;
        if (names.Count == 0)
            throw new ArgumentException($"Name at least one split of preset '{Name}', e.g. train,val.");
        if (names.FirstOrDefault(n => Splits.All(s => s.Name != n)) is { } unknown)
            throw new ArgumentException($"Preset '{Name}' has no split '{unknown}'; it has {string.Join(", ", Splits.Select(s => s.Name))}.");
        return Splits.Where(s => names.Contains(s.Name)).ToArray();
    }

    /// <summary>The split named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The preset has no such split.</exception>
    public SyntheticSplit Split(string name) =>
        Splits.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"Preset '{Name}' has no split '{name}'.", nameof(name));
}
