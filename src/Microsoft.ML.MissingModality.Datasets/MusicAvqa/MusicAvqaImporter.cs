using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Datasets;

/// <summary>
/// Imports MUSIC-AVQA (the official question JSON plus per-video <c>.npy</c> feature folders) into a dataset
/// directory of the library's layout: one split, videos sorted by id with each video's questions right after it,
/// features subsampled to <see cref="MusicAvqaImportOptions.Segments"/> time steps. Into an existing dataset the
/// split is added beside the others (a split of the same name is replaced only with Overwrite). Atomic: after any
/// error the output is as it was.
/// </summary>
public static class MusicAvqaImporter
{
    /// <summary>Runs the import.</summary>
    /// <param name="options">Paths and choices; see <see cref="MusicAvqaImportOptions"/>.</param>
    /// <param name="progress">Receives (videos done, videos to do) now and then; may be null.</param>
    /// <exception cref="AvqaDataException">Bad questions JSON or <c>.npy</c> file, or (with <see cref="MissingFeaturePolicy.Fail"/>) a missing one.</exception>
    /// <exception cref="IOException">The output (or, in an existing dataset, the split) exists without Overwrite, or cannot be written.</exception>
    public static MusicAvqaImportResult Import(MusicAvqaImportOptions options, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        foreach (string dir in new[] { options.AudioDirectory, options.VisualDirectory })
        {
            if (!Directory.Exists(dir))
                throw new DirectoryNotFoundException($"Feature folder '{dir}' does not exist.");
        }
        var questions = MusicAvqaQuestionFile.Read(options.QuestionsPath);
        var byVideo = questions.GroupBy(q => q.VideoId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();

        var toWrite = new List<(IGrouping<string, QuestionRecord> Questions, string? Audio, string? Visual)>();
        var skipped = new List<string>();
        long skippedQuestions = 0;
        foreach (var video in byVideo)
        {
            string? audio = Existing(options.AudioDirectory, video.Key);
            string? visual = Existing(options.VisualDirectory, video.Key);
            bool usable = audio is not null && visual is not null || options.KeepPartialVideos && (audio is not null || visual is not null);
            if (usable)
            {
                toWrite.Add((video, audio, visual));
                continue;
            }
            if (options.MissingFeatures == MissingFeaturePolicy.Fail)
                throw new AvqaDataException(Path.Combine(audio is null ? options.AudioDirectory : options.VisualDirectory, video.Key + ".npy"), "video_id", null,
                    $"No {(audio is null ? "audio" : "visual")} features for video '{video.Key}' (asked for by {video.Count()} question(s)).");
            skipped.Add(video.Key);
            skippedQuestions += video.Count();
        }
        if (toWrite.Count == 0)
            throw new AvqaDataException(options.QuestionsPath, "video_id", null,
                $"None of the {byVideo.Count} videos has features in '{options.AudioDirectory}' and '{options.VisualDirectory}'.");

        var features = new FeatureLoader(options.Segments);
        var shape = features.DetectShape(toWrite.First(v => v.Audio is not null).Audio!, toWrite.First(v => v.Visual is not null).Visual!);
        string split = options.SplitName();
        // Into an existing dataset the split is added (its other splits kept), so train, val and test can be imported one by one.
        bool adding = File.Exists(Path.Combine(options.OutputDirectory, DatasetSchema.ManifestFileName));
        using var writer = adding
            ? DatasetWriter.AddSplits(options.OutputDirectory, shape, options.Writer)
            : DatasetWriter.Create(options.OutputDirectory, shape, options.Writer);
        using var splitWriter = writer.BeginSplit(split);
        long written = 0;
        for (int i = 0; i < toWrite.Count; i++)
        {
            var (video, audioPath, visualPath) = toWrite[i];
            float[]? audio = audioPath is null ? null : features.Load(audioPath, shape.AudioShape);
            float[]? visual = visualPath is null ? null : features.Load(visualPath, shape.VisualShape);
            splitWriter.WriteVideo(new VideoFeatures(video.Key, audio, visual));
            foreach (var q in video)
            {
                splitWriter.WriteQuestion(q);
                written++;
            }
            if (i % 16 == 15 || i == toWrite.Count - 1)
                progress?.Report((i + 1, toWrite.Count));
        }
        splitWriter.Complete();
        var manifest = writer.Complete();
        return new MusicAvqaImportResult(manifest, split, toWrite.Count, written, skipped.Count, skippedQuestions, skipped);
    }

    private static string? Existing(string directory, string videoId)
    {
        string path = Path.Combine(directory, videoId + ".npy");
        return File.Exists(path) ? path : null;
    }
}
