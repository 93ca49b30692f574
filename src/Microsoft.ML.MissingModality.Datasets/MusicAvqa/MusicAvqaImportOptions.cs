using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Datasets;

/// <summary>Options of <see cref="MusicAvqaImporter"/>.</summary>
public sealed class MusicAvqaImportOptions
{
    /// <summary>The official question JSON (e.g. <c>avqa-val.json</c>). Required.</summary>
    public string QuestionsPath { get; set; } = "";

    /// <summary>Folder of per-video audio features, <c>{video_id}.npy</c> of shape <c>[60, 128]</c> (VGGish). Required.</summary>
    public string AudioDirectory { get; set; } = "";

    /// <summary>Folder of per-video visual features, <c>{video_id}.npy</c> of shape <c>[60, 512, 14, 14]</c> or <c>[60, 512]</c>. Required.</summary>
    public string VisualDirectory { get; set; } = "";

    /// <summary>The dataset directory to write (created atomically). Required.</summary>
    public string OutputDirectory { get; set; } = "";

    /// <summary>The split's name in the dataset.</summary>
    /// <value>Default null: taken from the questions file name (<c>avqa-val.json</c> → <c>val</c>).</value>
    public string? Split { get; set; }

    /// <summary>Segments kept per video: the source's time steps are subsampled evenly (every 6th of 60 for 10).</summary>
    /// <value>Default 10, as AVST and the paper use (<c>features[::6]</c>).</value>
    public int Segments { get; set; } = 10;

    /// <summary>What to do with a video whose audio or visual file is absent.</summary>
    /// <value>Default <see cref="MissingFeaturePolicy.Skip"/> (counted in the result).</value>
    public MissingFeaturePolicy MissingFeatures { get; set; } = MissingFeaturePolicy.Skip;

    /// <summary>Write a video that has only one of its two files, storing the other modality as missing (a null list).</summary>
    /// <value>Default false: such a video is handled by <see cref="MissingFeatures"/> like one with no file.</value>
    public bool KeepPartialVideos { get; set; }

    /// <summary>Writer options (overwrite, compression, row groups).</summary>
    /// <value>Default: <see cref="DatasetWriterOptions"/>'s defaults (never overwrite, Snappy).</value>
    public DatasetWriterOptions Writer { get; set; } = new();

    /// <summary>The split name: <see cref="Split"/>, or derived from the questions file name.</summary>
    internal string SplitName()
    {
        if (!string.IsNullOrEmpty(Split))
            return Split;
        string name = Path.GetFileNameWithoutExtension(QuestionsPath);
        if (name.StartsWith("avqa-", StringComparison.OrdinalIgnoreCase))
            name = name[5..];
        name = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        return name.Length > 0 ? name : "data";
    }

    internal void Validate()
    {
        foreach (var (value, name) in new[] { (QuestionsPath, nameof(QuestionsPath)), (AudioDirectory, nameof(AudioDirectory)), (VisualDirectory, nameof(VisualDirectory)), (OutputDirectory, nameof(OutputDirectory)) })
        {
            if (string.IsNullOrWhiteSpace(value))
                throw new ArgumentException($"{name} is required.", name);
        }
        if (Segments < 1)
            throw new ArgumentOutOfRangeException(nameof(Segments), Segments, "Must be at least 1.");
    }
}
