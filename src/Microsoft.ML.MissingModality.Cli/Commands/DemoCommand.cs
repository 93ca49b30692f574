using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Charts;
using Microsoft.ML.MissingModality.Cli.Recipes;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets.Synthetic;
using Microsoft.ML.MissingModality.Evaluation;
using Microsoft.ML.MissingModality.Scenarios;
using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Cli.Commands;

/// <summary>
/// <c>avqa demo [--out DIR] [--preset small] [--epochs N] [--batch-size B] [--seed S] [--device auto|cpu|cuda]</c>: the whole job on
/// the synthetic benchmark — generate a dataset, train AVST alone and the paper's full method (the RMM generator, the
/// AVR diffusion, AVST on Eq. 8), both validated, evaluate the test split with complete inputs, audio missing and visual missing, and write
/// <c>results.md</c> beside the models, with the difficulty report's reference answerers for comparison.
/// </summary>
public static class DemoCommand
{
    /// <summary>The three Table 1 scenarios, in the order reported.</summary>
    public static readonly string[] Scenarios = ["none", "audio", "visual"];

    /// <summary>
    /// Epochs the demo trains each answerer for unless told otherwise. The `small` preset's 8,296 training questions
    /// make 1,037 steps an epoch at batch 8: three epochs are about as many steps as ten were on version 3's 2,074, and
    /// AVST's validation accuracy levels off after three or four (docs/synthetic-benchmark.md, "Version 4").
    /// </summary>
    public const int DefaultEpochs = 3;

    /// <summary>
    /// Rows per step of each answerer in the demo unless told otherwise. AVST's 64 makes too few steps on a
    /// demo-sized split; the paper's 4 trains its method best but does not fit the demo's time. Batch 16 runs an epoch
    /// in about 60 % of batch 8's time but, in the same number of epochs, left AVST reading less of the picture
    /// (docs/synthetic-benchmark.md, "Version 4").
    /// </summary>
    public const int DefaultBatchSize = 8;

    /// <summary>
    /// Most epochs of the RMM generator and of the AVR diffusion in the demo (their own defaults are 20); never more
    /// than the answerers' epochs, so a shorter run shortens them too.
    /// </summary>
    public const int ComponentEpochs = 5;

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create(CliContext context)
    {
        var output = new Option<string>("--out") { Description = "Folder to create for the dataset, model and results.", DefaultValueFactory = _ => "avqa-demo" };
        var preset = new Option<string>("--preset") { Description = "Synthetic preset.", DefaultValueFactory = _ => "small" };
        preset.AcceptOnlyFromAmong([.. SyntheticPreset.All.Select(p => p.Name)]);
        var epochs = new Option<int>("--epochs") { Description = "Training epochs of each answerer.", DefaultValueFactory = _ => DefaultEpochs };
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per step of each answerer.", DefaultValueFactory = _ => DefaultBatchSize };
        var seed = new Option<int>("--seed") { Description = "Seed of the dataset, training and scenarios.", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda.", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong(DeviceChoice.Names);
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing output folder." };
        var command = new System.CommandLine.Command("demo", "Generate the synthetic benchmark, train AVST alone and the full method (RMM generator, AVR diffusion, AVST on Eq. 8), and evaluate both with complete inputs and with audio or visual missing.")
        {
            output, preset, epochs, batchSize, seed, device, overwrite,
        };
        command.SetAction(parse => Execute(parse));
        return command;

        int Execute(ParseResult parse)
        {
            if (parse.GetValue(epochs) < 1)
                throw new UsageException("--epochs must be at least 1.");
            if (parse.GetValue(batchSize) < 1)
                throw new UsageException("--batch-size must be at least 1.");
            // Everything is written into a sibling folder and put in place at the end: an old output replaced with
            // --overwrite survives any failure before that.
            using var staged = StagedFolder.Begin(parse.GetRequiredValue(output), parse.GetValue(overwrite));
            string root = staged.Target, work = staged.Path;
            int seedValue = parse.GetValue(seed);
            var chosen = SyntheticPreset.Parse(parse.GetRequiredValue(preset));
            string data = Path.Combine(work, "data"), modelPath = Path.Combine(work, "avqa.zip"), fullModelPath = Path.Combine(work, "avqa-rmm-avr.zip");

            context.Error.WriteLine($"1/3 Generating the '{chosen.Name}' synthetic benchmark (seed {seedValue}).");
            var generator = new SyntheticGenerator(chosen, seedValue);
            generator.Generate(data);

            var mlContext = new MLContext(seed: seedValue);
            DeviceChoice.Apply(mlContext, parse.GetRequiredValue(device));
            var bar = ProgressBar.ForStandardError(context.Error);
            var history = new List<EpochReport>();
            var options = new AvqaTrainerOptions
            {
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                Seed = seedValue,
                Progress = report => { bar.Clear(); context.Error.WriteLine("  " + report); history.Add(report); },
                StepProgress = step => bar.Update($"epoch {step.Epoch}/{step.Epochs}", step.Step, step.StepsPerEpoch),
            };
            int componentEpochs = ComponentEpochsFor(options.Epochs);
            context.Error.WriteLine($"2/3 Training AVST alone, then the RMM generator, the AVR diffusion ({Plural(componentEpochs, "epoch")} each) and AVST on Eq. 8 ({Plural(options.Epochs, "epoch")} per answerer, validated on val).");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var train = mlContext.Data.LoadFromAvqaDataset(data, "train");
            var validation = mlContext.Data.LoadFromAvqaDataset(data, "val");
            var model = AvqaTrainingRecipe.Fit(mlContext, train, validation, options);
            var trainingTime = clock.Elapsed;
            var avstHistory = history.ToList();
            history.Clear();
            ModelFiles.SaveAtomically(mlContext, model, train.Schema, modelPath, overwrite: false);
            clock.Restart();
            var rmm = mlContext.MissingModality().RmmGenerator(new Microsoft.ML.MissingModality.Rmm.RmmGeneratorOptions
            {
                Epochs = componentEpochs,
                Seed = seedValue,
                Progress = report => { bar.Clear(); context.Error.WriteLine("  rmm " + report); },
            });
            var avr = new Microsoft.ML.MissingModality.Avr.AvrDiffusionOptions
            {
                Epochs = componentEpochs,
                Seed = seedValue,
                Progress = report => { bar.Clear(); context.Error.WriteLine("  avr " + report); },
            };
            var fullModel = AvqaTrainingRecipe.Fit(mlContext, train, validation, options, rmm, avr);
            var fullTrainingTime = clock.Elapsed;
            var fullHistory = history.ToList();
            ModelFiles.SaveAtomically(mlContext, fullModel, train.Schema, fullModelPath, overwrite: false);

            context.Error.WriteLine("3/3 Evaluating the test split: complete inputs, audio missing, visual missing.");
            var test = mlContext.Data.LoadFromAvqaDataset(data, "test");
            var results = Scenarios.Select(s => (Label: "AVST, " + ScenarioLabel(s), Metrics: ScenarioEvaluation.Evaluate(mlContext, model, test, MissingModalityScenario.Parse(s), seedValue)))
                .Concat(Scenarios.Select(s => (Label: "AVST + RMM + AVR, " + ScenarioLabel(s), Metrics: ScenarioEvaluation.Evaluate(mlContext, fullModel, test, MissingModalityScenario.Parse(s), seedValue))))
                .ToList();
            var difficulty = DifficultyReport.Compute(generator);

            AvqaCharts.AccuracyByType(results, $"Accuracy per question type, synthetic '{chosen.Name}' test split")
                .SavePng(Path.Combine(work, AccuracyChartFile), AvqaCharts.DefaultWidth, AvqaCharts.DefaultHeight);
            AvqaCharts.TrainingCurves([("AVST alone", avstHistory), ("AVST on Eq. 8 (RMM + AVR)", fullHistory)], "Answer accuracy per epoch")
                .SavePng(Path.Combine(work, TrainingChartFile), AvqaCharts.DefaultWidth, AvqaCharts.DefaultHeight);
            string report = Report(chosen, seedValue, options, trainingTime, fullTrainingTime, results, difficulty);
            File.WriteAllText(Path.Combine(work, "results.md"), report, new UTF8Encoding(false));
            File.WriteAllText(Path.Combine(work, "results.json"),
                "[" + string.Join(",", results.Select(r => r.Metrics.ToJson(r.Label))) + "]", new UTF8Encoding(false));
            staged.Commit();

            context.Out.WriteLine("Test accuracy (%) by group; every question type is in results.md:");
            context.Out.WriteLine();
            context.Out.Write(AvqaMetrics.ToSummaryMarkdownTable(results));
            context.Out.WriteLine();
            context.Out.WriteLine($"Wrote {root}: results.md, results.json, {AccuracyChartFile}, {TrainingChartFile}, avqa.zip, avqa-rmm-avr.zip, data/.");
            return Program.Success;
        }
    }

    /// <summary>The chart of accuracy per question type the demo writes beside <c>results.md</c>.</summary>
    public const string AccuracyChartFile = "accuracy-by-type.png";

    /// <summary>The chart of the two answerers' training and validation accuracy per epoch.</summary>
    public const string TrainingChartFile = "training-curves.png";

    private static int ComponentEpochsFor(int answererEpochs) => Math.Min(ComponentEpochs, answererEpochs);

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string ScenarioLabel(string scenario) => scenario == "none" ? "complete" : scenario + " missing";

    private static string Report(SyntheticPreset preset, int seed, AvqaTrainerOptions options, TimeSpan trainingTime, TimeSpan fullTrainingTime,
        List<(string Label, AvqaMetrics Metrics)> results, DifficultyReport difficulty)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# AVST alone and the full method (RMM + AVR) on the synthetic `{preset.Name}` benchmark (seed {seed})");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Trained {Plural(options.Epochs, "epoch")} (batch {options.BatchSize}, Adam lr {options.LearningRate} ×{options.LearningRateDecay} every {options.LearningRateStepEpochs} epochs, best validation epoch kept): AVST alone in {trainingTime.TotalMinutes:F1} min, where a missing modality is fed as zeros (AVST's baseline rule); the RMM generator, the AVR diffusion ({Plural(ComponentEpochsFor(options.Epochs), "epoch")} each) and AVST on Eq. 8 in {fullTrainingTime.TotalMinutes:F1} min, where a missing modality is recalled from the other one and the question and the pair is enhanced by the diffusion. Accuracy (%) on the test split.");
        text.AppendLine();
        text.Append(AvqaMetrics.ToMarkdownTable(results));
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"![Accuracy per question type]({AccuracyChartFile})");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"![Answer accuracy per epoch, training (dashed) and validation]({TrainingChartFile})");
        text.AppendLine();
        text.AppendLine("Reference answerers on the same test split (from the difficulty report):");
        text.AppendLine();
        text.Append(difficulty.ToMarkdown());
        return text.ToString();
    }
}
