using System.CommandLine;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets;

namespace Microsoft.ML.MissingModality.Cli.Commands;

/// <summary>
/// <c>avqa import-music-avqa --questions FILE.json --audio-dir DIR --visual-dir DIR --out DIR [--segments 10]</c>:
/// imports MUSIC-AVQA questions and per-video <c>.npy</c> features into a dataset directory.
/// </summary>
public static class ImportMusicAvqaCommand
{
    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create(CliContext context)
    {
        var questions = new Option<string>("--questions") { Description = "The official question JSON, e.g. avqa-val.json.", Required = true };
        var audioDir = new Option<string>("--audio-dir") { Description = "Folder of {video_id}.npy audio features, [60,128].", Required = true };
        var visualDir = new Option<string>("--visual-dir") { Description = "Folder of {video_id}.npy visual features, [60,512,14,14] or [60,512].", Required = true };
        var output = new Option<string>("--out") { Description = "Dataset directory to create, or an existing dataset to add the split to.", Required = true };
        var segments = new Option<int>("--segments") { Description = "Segments kept per video (time steps subsampled evenly).", DefaultValueFactory = _ => 10 }.AtLeast(1);
        var split = new Option<string?>("--split") { Description = "Split name; default from the questions file name (avqa-val.json -> val)." };
        var failOnMissing = new Option<bool>("--fail-on-missing") { Description = "Fail when a video has no features, instead of skipping it." };
        var keepPartial = new Option<bool>("--keep-partial") { Description = "Write videos with only one modality's file, the other stored as missing." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a split of the same name in an existing dataset (its other splits are kept)." };
        var videosPerShard = OptionRules.VideosPerShard();
        var compression = OptionRules.Compression();

        var command = new System.CommandLine.Command("import-music-avqa", "Import MUSIC-AVQA questions and .npy features into a dataset directory.")
        {
            questions, audioDir, visualDir, output, segments, split, failOnMissing, keepPartial, overwrite, videosPerShard, compression,
        };
        command.SetAction(parse =>
        {
            var options = new MusicAvqaImportOptions
            {
                QuestionsPath = parse.GetRequiredValue(questions),
                AudioDirectory = parse.GetRequiredValue(audioDir),
                VisualDirectory = parse.GetRequiredValue(visualDir),
                OutputDirectory = parse.GetRequiredValue(output),
                Segments = parse.GetValue(segments),
                Split = parse.GetValue(split),
                MissingFeatures = parse.GetValue(failOnMissing) ? MissingFeaturePolicy.Fail : MissingFeaturePolicy.Skip,
                KeepPartialVideos = parse.GetValue(keepPartial),
                Writer = new DatasetWriterOptions
                {
                    Overwrite = parse.GetValue(overwrite),
                    VideosPerShard = parse.GetValue(videosPerShard),
                    Compression = OptionRules.CompressionMethod(parse.GetValue(compression)),
                },
            };
            var lastReport = DateTime.UtcNow;
            var progress = new SyncProgress<(int Done, int Total)>(p =>
            {
                if (p.Done == p.Total || DateTime.UtcNow - lastReport > TimeSpan.FromSeconds(5))
                {
                    lastReport = DateTime.UtcNow;
                    context.Out.WriteLine($"  {p.Done}/{p.Total} videos");
                }
            });
            var result = MusicAvqaImporter.Import(options, progress);
            var s = result.Manifest.Splits[result.Split];
            context.Out.WriteLine($"Wrote split '{result.Split}' to {options.OutputDirectory}: {result.VideosWritten} videos, {result.QuestionsWritten} questions ({result.Manifest.Shape}).");
            if (result.VideosSkipped > 0)
                context.Out.WriteLine($"Skipped {result.VideosSkipped} videos without features and their {result.QuestionsSkipped} questions.");
            foreach (var (type, count) in s.QuestionTypes)
                context.Out.WriteLine($"  {type,-26} {count,7}");
            return Program.Success;
        });
        return command;
    }
}
