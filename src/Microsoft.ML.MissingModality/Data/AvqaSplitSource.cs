namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// One split of a dataset directory, opened for reading without ML.NET: its manifest entry, its files and the
/// index from video id to videos row group, checked by <see cref="SplitIntegrity"/>. The IDataView reader and tools build on it; each pass opens its own
/// file handles, so passes may run concurrently.
/// </summary>
internal sealed class AvqaSplitSource
{
    public AvqaSplitSource(string directory, string split)
    {
        Manifest = DatasetManifest.Load(directory);
        if (!Manifest.Splits.TryGetValue(split, out var entry))
            throw new AvqaDataException(Path.Combine(directory, DatasetSchema.ManifestFileName), "splits", null,
                $"No split '{split}'; the dataset has {string.Join(", ", Manifest.Splits.Keys)}.");
        Split = entry;
        VideosPath = Path.Combine(directory, entry.VideosFile);
        QuestionsPath = Path.Combine(directory, entry.QuestionsFile);
        // Checked once up front, so that a damaged or inconsistent dataset fails when it is loaded, not mid-pass
        // (where ML.NET may be pulling rows on another thread).
        using (var videos = new VideoTableReader(VideosPath, Shape))
        {
            VideoIndex = videos.BuildIndex();
            SplitIntegrity.Check(directory, split, this, videos);
        }
    }

    public DatasetManifest Manifest { get; }

    public SplitManifest Split { get; }

    public FeatureShape Shape => Manifest.Shape;

    public string VideosPath { get; }

    public string QuestionsPath { get; }

    /// <summary>Video id → (row group, row within it), read once from the video_id column.</summary>
    public Dictionary<string, (int Group, int Row)> VideoIndex { get; }
}
