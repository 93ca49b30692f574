namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>One split of a synthetic preset: its name and exact sizes.</summary>
/// <param name="Name">The split name: <c>train</c>, <c>val</c> or <c>test</c>.</param>
/// <param name="Videos">Number of videos (each video belongs to exactly one split).</param>
/// <param name="Questions">Number of questions over those videos, spread as evenly as possible.</param>
public sealed record SyntheticSplit(string Name, int Videos, int Questions);
