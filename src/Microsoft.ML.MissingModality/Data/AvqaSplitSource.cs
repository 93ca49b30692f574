namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// One split of a dataset directory, opened for reading without ML.NET: its manifest entry, its shards' files and
/// each shard's index from video id to videos row group, checked by <see cref="SplitIntegrity"/>. The IDataView reader
/// and tools build on it; each pass opens its own file handles, so passes may run concurrently.
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
        var shards = new List<ShardSource>(entry.Shards.Count);
        var shardOfVideo = new Dictionary<string, string>(StringComparer.Ordinal);
        long questionsBefore = 0;
        foreach (var shard in entry.Shards)
        {
            string videosPath = Path.Combine(directory, shard.VideosFile);
            // Checked once up front, so that a damaged or inconsistent dataset fails when it is loaded, not mid-pass
            // (where ML.NET may be pulling rows on another thread).
            using var videos = new VideoTableReader(videosPath, Shape);
            var index = videos.BuildIndex();
            foreach (var (videoId, at) in index)
            {
                if (!shardOfVideo.TryAdd(videoId, shard.VideosFile))
                    throw new AvqaDataException(videosPath, DatasetSchema.VideoIdColumn, videos.File.GroupStart(at.Group) + at.Row,
                        $"Video '{videoId}' is also in {shardOfVideo[videoId]}; a video belongs to one shard of a split.");
            }
            SplitIntegrity.CheckVideos(directory, split, Manifest, shards.Count, videos);
            shards.Add(new ShardSource(shard, videosPath, Path.Combine(directory, shard.QuestionsFile), index, questionsBefore));
            questionsBefore += shard.Questions;
        }
        Shards = shards;
        SplitIntegrity.CheckQuestions(directory, split, this);
    }

    public DatasetManifest Manifest { get; }

    public SplitManifest Split { get; }

    public FeatureShape Shape => Manifest.Shape;

    /// <summary>The split's shards in the manifest's order.</summary>
    public IReadOnlyList<ShardSource> Shards { get; }
}

/// <summary>One shard of a split, opened for reading: its files and its video index.</summary>
/// <param name="Manifest">The shard's manifest entry.</param>
/// <param name="VideosPath">The videos table.</param>
/// <param name="QuestionsPath">The questions table.</param>
/// <param name="VideoIndex">Video id → (row group, row within it), read once from the video_id column.</param>
/// <param name="QuestionsBefore">Questions in the shards before this one (its first question's row in the split).</param>
internal sealed record ShardSource(SplitShard Manifest, string VideosPath, string QuestionsPath,
    Dictionary<string, (int Group, int Row)> VideoIndex, long QuestionsBefore);
