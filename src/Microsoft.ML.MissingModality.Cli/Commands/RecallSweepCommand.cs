using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.MissingModality.Charts;
using Microsoft.ML.MissingModality.Cli.Recipes;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Evaluation;
using Microsoft.ML.MissingModality.Recall;
using Microsoft.ML.MissingModality.Rmm;

namespace Microsoft.ML.MissingModality.Cli.Commands;

/// <summary>
/// <c>avqa recall-sweep --data DIR [--slots 1,5,25,75] [--epochs N] [--seed S] [--device auto|cpu|cuda] [--out DIR]
/// [--overwrite]</c>: fits the RMM generator once per slot count on the train split and measures its recall error on
/// the test split (complete rows: what it would give if a modality were missing), beside the training-mean recall:
/// a table on the terminal, and <c>recall.md</c>, <c>recall.json</c> and a chart in the output folder.
/// </summary>
public static class RecallSweepCommand
{
    /// <summary>The chart of recall error against the slot count.</summary>
    public const string ChartFile = "recall-error-by-slots.png";

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create(CliContext context)
    {
        var defaults = new RmmGeneratorOptions();
        var data = new Option<string>("--data") { Description = "Dataset directory (with dataset.json).", Required = true };
        var slots = new Option<string>("--slots") { Description = "Comma-separated slot counts L per memory.", DefaultValueFactory = _ => "1,5,25,75" };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs of each generator.", DefaultValueFactory = _ => defaults.Epochs }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "Seed of initialisation and shuffling.", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda.", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong(DeviceChoice.Names);
        var output = new Option<string>("--out") { Description = "Folder to create for the table and chart.", DefaultValueFactory = _ => "avqa-recall-sweep" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing output folder." };
        var command = new System.CommandLine.Command("recall-sweep", "Fit the RMM generator at several slot counts and chart its recall error against the training mean's.")
        {
            data, slots, epochs, seed, device, output, overwrite,
        };
        command.SetAction(parse => Execute(parse));
        return command;

        int Execute(ParseResult parse)
        {
            int[] slotCounts = ParseSlots(parse.GetRequiredValue(slots));
            string directory = parse.GetRequiredValue(data);
            int seedValue = parse.GetValue(seed);
            var mlContext = new MLContext(seed: seedValue);
            DeviceChoice.Apply(mlContext, parse.GetRequiredValue(device));
            var manifest = mlContext.Data.LoadAvqaManifest(directory);
            foreach (string split in new[] { "train", "test" })
                if (!manifest.Splits.ContainsKey(split))
                    throw new AvqaDataException(Path.Combine(directory, DatasetSchema.ManifestFileName), "splits", null, $"The dataset has no '{split}' split.");
            using var staged = StagedFolder.Begin(parse.GetRequiredValue(output), parse.GetValue(overwrite));
            var mm = mlContext.MissingModality();
            var train = mlContext.Data.LoadFromAvqaDataset(directory, "train");
            var test = mlContext.Data.LoadFromAvqaDataset(directory, "test");
            var prefix = mm.FeaturizeQuestion().Fit(train);
            var preparedTrain = prefix.Transform(train);
            var preparedTest = prefix.Transform(test);

            context.Error.WriteLine($"Recall sweep on '{directory}': the training mean, then RMM at L = {string.Join(", ", slotCounts)} ({parse.GetValue(epochs)} epochs each).");
            var mean = mm.EvaluateRecall(mm.RecallBaseline(RecallMethod.Mean).Fit(preparedTrain).Transform(preparedTest));
            var points = new List<(int Slots, RecallQuality Quality, double Seconds)>();
            foreach (int l in slotCounts)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var generator = mm.RmmGenerator(new RmmGeneratorOptions
                {
                    Slots = l,
                    Epochs = parse.GetValue(epochs),
                    Seed = seedValue,
                    Progress = report => context.Error.WriteLine($"  L = {l}: {report}"),
                }).Fit(preparedTrain);
                points.Add((l, mm.EvaluateRecall(generator.Transform(preparedTest)), clock.Elapsed.TotalSeconds));
            }

            string work = staged.Path;
            AvqaCharts.RecallErrorBySlots([.. points.Select(p => (p.Slots, p.Quality))], mean,
                    title: "RMM recall error on the test split against the slot count")
                .SavePng(Path.Combine(work, ChartFile), AvqaCharts.DefaultWidth, AvqaCharts.DefaultHeight);
            string table = Table(mean, points);
            var report = new StringBuilder();
            report.AppendLine(Invariant($"# Recall error by slot count on `{Path.GetFileName(Path.GetFullPath(directory))}` (seed {seedValue}, {parse.GetValue(epochs)} epochs each)"));
            report.AppendLine();
            report.AppendLine(Invariant($"Test rows with both modalities ({mean.Rows}); each recalled column is what the recaller gives when that modality is missing. Lower MSE and higher cosine are better; the training mean is the bar to clear."));
            report.AppendLine();
            report.Append(table);
            report.AppendLine();
            report.AppendLine($"![Recall error by slot count]({ChartFile})");
            File.WriteAllText(Path.Combine(work, "recall.md"), report.ToString(), new UTF8Encoding(false));
            File.WriteAllText(Path.Combine(work, "recall.json"), Json(mean, points), new UTF8Encoding(false));
            staged.Commit();

            context.Out.Write(table);
            context.Out.WriteLine();
            context.Out.WriteLine($"Wrote {staged.Target}: recall.md, recall.json, {ChartFile}.");
            return Program.Success;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static int[] ParseSlots(string text) =>
        OptionLists.Parse<int>(text, "--slots", "a slot count (1 or more)", slots => slots >= 1);

    private static string Table(RecallQuality mean, List<(int Slots, RecallQuality Quality, double Seconds)> points)
    {
        var table = new StringBuilder("| recaller | audio MSE | audio cos | visual MSE | visual cos | fit |\n|---|---:|---:|---:|---:|---:|\n");
        table.Append(Invariant($"| training mean | {mean.AudioMse:F4} | {mean.AudioCosine:F3} | {mean.VisualMse:F4} | {mean.VisualCosine:F3} | |\n"));
        foreach (var (slots, q, seconds) in points)
            table.Append(Invariant($"| RMM, L = {slots} | {q.AudioMse:F4} | {q.AudioCosine:F3} | {q.VisualMse:F4} | {q.VisualCosine:F3} | {seconds:F0} s |\n"));
        return table.ToString();
    }

    private static string Json(RecallQuality mean, List<(int Slots, RecallQuality Quality, double Seconds)> points)
    {
        static JsonObject Quality(RecallQuality q) => new()
        {
            ["audioMse"] = q.AudioMse, ["audioCosine"] = q.AudioCosine, ["visualMse"] = q.VisualMse, ["visualCosine"] = q.VisualCosine, ["rows"] = q.Rows,
        };
        var rmm = new JsonArray();
        foreach (var (slots, q, seconds) in points)
        {
            var entry = Quality(q);
            entry["slots"] = slots;
            entry["fitSeconds"] = Math.Round(seconds, 1);
            rmm.Add(entry);
        }
        return new JsonObject { ["mean"] = Quality(mean), ["rmm"] = rmm }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }
}
