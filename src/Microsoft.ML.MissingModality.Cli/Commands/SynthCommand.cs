using System.CommandLine;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets.Synthetic;

namespace Microsoft.ML.MissingModality.Cli.Commands;

/// <summary>
/// <c>avqa synth --preset tiny|small|music-avqa --seed S --out DIR [--pooled] [--report] [--splits train,val] [--videos-per-shard N] [--compression snappy|none] [--overwrite]</c>:
/// generates the synthetic MUSIC-AVQA-like benchmark (all splits and the manifest); with <c>--report</c> also
/// prints and saves the difficulty report (<c>difficulty.md</c>, <c>difficulty.json</c>). <c>--report-only</c>
/// computes the report without writing any features. Progress goes to stderr.
/// </summary>
public static class SynthCommand
{
    /// <summary>File name of the markdown difficulty report in the dataset directory.</summary>
    public const string ReportMarkdownFile = "difficulty.md";

    /// <summary>File name of the JSON difficulty report in the dataset directory.</summary>
    public const string ReportJsonFile = "difficulty.json";

    /// <summary>Exit code when generation was cancelled (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create(CliContext context)
    {
        var preset = new Option<string>("--preset") { Description = "Size: tiny (unit tests), small (the demo), music-avqa (real sizes, ~30 GB).", Required = true };
        preset.AcceptOnlyFromAmong([.. SyntheticPreset.All.Select(p => p.Name)]);
        var seed = new Option<int>("--seed") { Description = "Seed; the same preset and seed give the same dataset.", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "Dataset directory to create (must not exist unless --overwrite)." };
        var pooled = new Option<bool>("--pooled") { Description = "Pooled visual features [T,C] instead of maps [T,C,H,W]." };
        var report = new Option<bool>("--report") { Description = "Also print the difficulty report and save it beside the dataset." };
        var reportOnly = new Option<bool>("--report-only") { Description = "Print the difficulty report without writing a dataset." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing dataset directory." };
        var splits = new Option<string?>("--splits") { Description = "Write only these splits, comma-separated (e.g. train,val): the same videos as in the whole preset." };
        var videosPerShard = OptionRules.VideosPerShard();
        var compression = OptionRules.Compression();
        var command = new System.CommandLine.Command("synth", "Generate the synthetic MUSIC-AVQA-like benchmark, with answers grounded in simulated scenes.")
        {
            preset, seed, output, pooled, report, reportOnly, overwrite, splits, videosPerShard, compression,
        };
        command.Validators.Add(r =>
        {
            if (!r.GetValue(reportOnly) && string.IsNullOrEmpty(r.GetValue(output)))
                r.AddError("Option '--out' is required unless --report-only is given.");
        });
        // Asynchronous only so that Ctrl+C cancels the token: generation stops between videos and leaves nothing behind.
        command.SetAction((parse, cancellationToken) => Task.FromResult(Execute(parse, cancellationToken)));
        return command;

        int Execute(ParseResult parse, CancellationToken cancellationToken)
        {
            var chosen = SyntheticPreset.Parse(parse.GetRequiredValue(preset));
            if (parse.GetValue(pooled)) chosen = chosen.WithPooledVisual();
            var generator = new SyntheticGenerator(chosen, parse.GetValue(seed));
            if (parse.GetValue(reportOnly))
            {
                context.Out.Write(DifficultyReport.Compute(generator).ToMarkdown());
                return Program.Success;
            }
            string directory = parse.GetValue(output)!;
            var written = parse.GetValue(splits)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var writtenSplits = SplitsToWrite(chosen, written);
            context.Error.WriteLine($"Generating '{chosen.Name}' (seed {generator.Seed}, {chosen.Shape}): {writtenSplits.Sum(s => s.Videos)} videos, {writtenSplits.Sum(s => s.Questions)} questions" +
                (written is null ? "." : $" ({string.Join(", ", writtenSplits.Select(s => s.Name))})."));
            var last = DateTime.UtcNow;
            var progress = new SyncProgress<SyntheticProgress>(p =>
            {
                if (p.VideosDone == p.VideosTotal || DateTime.UtcNow - last > TimeSpan.FromSeconds(2))
                {
                    last = DateTime.UtcNow;
                    context.Error.WriteLine($"  {p.Split}: {p.VideosDone}/{p.VideosTotal} videos");
                }
            });
            // The report is computed first and written with the dataset, so that the folder appears with it or not at all;
            // it is of the whole preset (it fits on train and scores on test), whichever splits are written.
            var difficulty = parse.GetValue(report) ? DifficultyReport.Compute(generator) : null;
            var extraFiles = difficulty is null ? null : new Dictionary<string, string>
            {
                [ReportMarkdownFile] = difficulty.ToMarkdown(),
                [ReportJsonFile] = difficulty.ToJson(),
            };
            DatasetManifest manifest;
            try
            {
                manifest = generator.Generate(directory, new DatasetWriterOptions
                {
                    Overwrite = parse.GetValue(overwrite),
                    VideosPerShard = parse.GetValue(videosPerShard),
                    Compression = OptionRules.CompressionMethod(parse.GetValue(compression)),
                }, progress, cancellationToken, extraFiles, written);
            }
            catch (Exception e) when (e is OperationCanceledException || cancellationToken.IsCancellationRequested)
            {
                // After Ctrl+C the temporary folder may already be gone (Program removes temporary outputs), failing a write.
                context.Error.WriteLine("Cancelled; nothing was written.");
                return Cancelled;
            }
            context.Out.WriteLine($"Wrote {directory}: " + string.Join(", ", manifest.Splits.Select(s => $"{s.Key} {s.Value.Videos} videos / {s.Value.Questions} questions")) + ".");
            if (difficulty is not null)
                context.Out.Write(difficulty.ToMarkdown());
            return Program.Success;
        }
    }

    private static IReadOnlyList<SyntheticSplit> SplitsToWrite(SyntheticPreset preset, string[]? names)
    {
        try
        {
            return preset.SplitsNamed(names);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--splits: {e.Message}");
        }
    }
}
