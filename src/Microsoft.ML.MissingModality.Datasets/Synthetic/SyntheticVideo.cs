using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>One generated video: its latent scene, its rendered features and its questions.</summary>
/// <param name="VideoId">The video's identifier, unique within the dataset.</param>
/// <param name="Split">The split it belongs to.</param>
/// <param name="Scene">The ground truth behind features and answers.</param>
/// <param name="RenderSeed">The seed of its feature noise: <see cref="FeatureSynthesizer.Render"/> with it reproduces <paramref name="Features"/>.</param>
/// <param name="Features">The rendered features, or null when the stream was asked for scenes and questions only.</param>
/// <param name="Questions">Its questions, with answers computed from <paramref name="Scene"/>.</param>
public sealed record SyntheticVideo(
    string VideoId, string Split, Scene Scene, ulong RenderSeed, VideoFeatures? Features, IReadOnlyList<SyntheticQuestion> Questions);
