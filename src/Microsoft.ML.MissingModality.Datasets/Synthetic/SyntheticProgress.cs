namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>Progress of <see cref="SyntheticGenerator.Generate"/>: videos written so far in the current split.</summary>
/// <param name="Split">The split being written.</param>
/// <param name="VideosDone">Videos of that split written so far.</param>
/// <param name="VideosTotal">Videos in that split.</param>
public sealed record SyntheticProgress(string Split, int VideosDone, int VideosTotal);
