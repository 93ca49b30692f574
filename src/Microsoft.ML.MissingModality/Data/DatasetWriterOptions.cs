using Parquet;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>Options of <see cref="DatasetWriter"/>.</summary>
public sealed class DatasetWriterOptions
{
    /// <summary>
    /// Replace an existing dataset on <see cref="DatasetWriter.Complete"/> (with <see cref="DatasetWriter.AddSplits"/>: a split of the
    /// same name). Only a dataset (a folder holding <c>dataset.json</c>) or an empty folder is ever replaced, never a folder of other files.
    /// </summary>
    /// <value>Default <c>false</c>: creating a writer over an existing non-empty directory fails.</value>
    public bool Overwrite { get; set; }

    /// <summary>Compression of both tables.</summary>
    /// <value>Default <see cref="CompressionMethod.Snappy"/> (the level is always set to Optimal explicitly).</value>
    public CompressionMethod Compression { get; set; } = CompressionMethod.Snappy;

    /// <summary>Videos per row group of the videos table; null picks about <see cref="TargetVideoRowGroupBytes"/> of features per group.</summary>
    /// <value>Default null (auto: 8 MUSIC-AVQA videos of [10,512,14,14] maps, 1024 videos of pooled features at most).</value>
    public int? VideoRowGroupSize { get; set; }

    /// <summary>Uncompressed feature bytes per videos row group when <see cref="VideoRowGroupSize"/> is null.</summary>
    /// <value>Default 32 MiB: small enough that a reader decodes a group quickly and caches several.</value>
    public long TargetVideoRowGroupBytes { get; set; } = 32L << 20;

    /// <summary>Questions per row group of the questions table; also the unit a shuffling reader permutes within.</summary>
    /// <value>Default 256 (about 50 MUSIC-AVQA videos' worth of questions, so an in-group shuffle stays cache-friendly).</value>
    public int QuestionRowGroupSize { get; set; } = 256;

    /// <summary>
    /// Write each split as shards of this many videos (<c>train.00000.videos.parquet</c> and
    /// <c>train.00000.questions.parquet</c>, …), each question in its video's shard; null writes each split as one
    /// videos and one questions table. The reader visits a split's shards one after another with one shard's files
    /// and cache open; each file stays a size that copies and checksums quickly, and a split larger than one disk can
    /// be spread over several (the manifest names plain files in the dataset folder, which may be links to other disks).
    /// </summary>
    /// <value>Default null (one shard per split).</value>
    public int? VideosPerShard { get; set; }

    /// <summary>The effective number of videos per row group for a shape.</summary>
    internal int VideosPerGroup(FeatureShape shape)
    {
        if (VideoRowGroupSize is int n)
            return n >= 1 ? n : throw new ArgumentOutOfRangeException(nameof(VideoRowGroupSize), n, "Must be at least 1.");
        long bytes = 4L * (shape.AudioLength + shape.VisualLength);
        return (int)Math.Clamp(TargetVideoRowGroupBytes / bytes, 1, 1024);
    }

    internal void Validate()
    {
        if (QuestionRowGroupSize < 1)
            throw new ArgumentOutOfRangeException(nameof(QuestionRowGroupSize), QuestionRowGroupSize, "Must be at least 1.");
        if (VideosPerShard is < 1)
            throw new ArgumentOutOfRangeException(nameof(VideosPerShard), VideosPerShard, "Must be at least 1.");
        if (TargetVideoRowGroupBytes < 1)
            throw new ArgumentOutOfRangeException(nameof(TargetVideoRowGroupBytes), TargetVideoRowGroupBytes, "Must be positive.");
    }
}
