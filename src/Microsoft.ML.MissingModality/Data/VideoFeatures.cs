namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// One video's precomputed features, flattened row-major to the dataset's <see cref="FeatureShape"/>.
/// A <c>null</c> array means that modality is missing for this video (stored as a null list in Parquet).
/// </summary>
/// <param name="VideoId">The video's identifier, unique within a dataset.</param>
/// <param name="Audio">Audio features, <c>[Segments, AudioDim]</c> flattened, or null when the audio is missing.</param>
/// <param name="Visual">Visual features, <c>[Segments, ..VisualDims]</c> flattened, or null when the picture is missing.</param>
public sealed record VideoFeatures(string VideoId, float[]? Audio, float[]? Visual);
