using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.MissingModality.Charts;
using Microsoft.ML.MissingModality.Cli.Recipes;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Evaluation;
using Microsoft.ML.MissingModality.Scenarios;

namespace Microsoft.ML.MissingModality.Cli.Commands;

/// <summary>
/// <c>avqa sweep --model M.zip [--model M2.zip ...] --data DIR [--split test] [--ratios 0,0.25,0.5,0.75,1]
/// [--modalities audio,visual,either] [--start-steps 0,1,2,5] [--seed S] [--out DIR] [--overwrite]</c>: the paper's
/// Fig. 5 (accuracy against the share of rows with a modality missing) and the scenario matrix (each modality removed
/// or replaced by noise, on every row) for one or more models in one command: a table on the terminal, and
/// <c>sweep.md</c>, <c>sweep.json</c> and a chart per modality in the output folder. <c>--start-steps</c> also
/// measures models holding the AVR diffusion at each enhancement step count S (no training again), with a chart.
/// </summary>
public static class SweepCommand
{
    /// <summary>The missing ratios swept unless told otherwise.</summary>
    public static readonly double[] DefaultRatios = [0, 0.25, 0.5, 0.75, 1];

    /// <summary>The chart file for one modality, e.g. <c>sweep-audio.png</c>.</summary>
    public static string ChartFile(string modality) => $"sweep-{modality}.png";

    /// <summary>The chart of accuracy against the enhancement steps (with <c>--start-steps</c>).</summary>
    public const string StepsChartFile = "accuracy-by-diffusion-steps.png";

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create(CliContext context)
    {
        var models = new Option<string[]>("--model") { Description = "Model zip to evaluate; repeat to compare models.", Required = true, Arity = ArgumentArity.OneOrMore };
        var data = new Option<string>("--data") { Description = "Dataset directory (with dataset.json).", Required = true };
        var split = new Option<string>("--split") { Description = "Split to answer.", DefaultValueFactory = _ => "test" };
        var ratios = new Option<string>("--ratios") { Description = "Comma-separated missing ratios in [0, 1].", DefaultValueFactory = _ => "0,0.25,0.5,0.75,1" };
        var modalities = new Option<string>("--modalities") { Description = "Comma-separated: audio, visual, either.", DefaultValueFactory = _ => "audio,visual,either" };
        var startSteps = new Option<string?>("--start-steps") { Description = "Comma-separated enhancement step counts S (0..T) at which to also measure models holding the AVR diffusion." };
        var seed = new Option<int>("--seed") { Description = "Seed of which rows lose which modality.", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda.", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong(DeviceChoice.Names);
        var output = new Option<string>("--out") { Description = "Folder to create for the tables and charts.", DefaultValueFactory = _ => "avqa-sweep" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing output folder." };
        var command = new System.CommandLine.Command("sweep", "Evaluate models across missing ratios (the paper's Fig. 5) and the scenario matrix, with tables and charts.")
        {
            models, data, split, ratios, modalities, startSteps, seed, device, output, overwrite,
        };
        command.SetAction(parse => Execute(parse));
        return command;

        int Execute(ParseResult parse)
        {
            double[] ratioValues = ParseRatios(parse.GetRequiredValue(ratios));
            string[] modalityNames = ParseModalities(parse.GetRequiredValue(modalities));
            int[] stepValues = parse.GetValue(startSteps) is { } stepsText ? ParseSteps(stepsText) : [];
            string[] modelPaths = parse.GetRequiredValue(models);
            string directory = parse.GetRequiredValue(data), splitName = parse.GetRequiredValue(split);
            int seedValue = parse.GetValue(seed);
            foreach (string path in modelPaths)
                if (!File.Exists(path))
                    throw new IOException($"Model file '{path}' does not exist.");
            var labels = ModelLabels(modelPaths);

            var mlContext = new MLContext(seed: seedValue);
            DeviceChoice.Apply(mlContext, parse.GetRequiredValue(device));
            var manifest = mlContext.Data.LoadAvqaManifest(directory);
            if (!manifest.Splits.ContainsKey(splitName))
                throw new AvqaDataException(Path.Combine(directory, DatasetSchema.ManifestFileName), null, null,
                    $"the dataset has no '{splitName}' split (it has: {string.Join(", ", manifest.Splits.Keys)})");
            using var staged = StagedFolder.Begin(parse.GetRequiredValue(output), parse.GetValue(overwrite));
            var rows = mlContext.Data.LoadFromAvqaDataset(directory, splitName);

            var points = new List<SweepPoint>();
            var matrix = new List<(string Label, AvqaMetrics Metrics)>();
            var stepPoints = new List<StepPoint>();
            var loaded = modelPaths.Select(path => ModelFiles.Load(mlContext, path)).ToArray();
            var stepModels = stepValues.Length == 0 ? [] : loaded.Select((model, m) => StepVariants(model, labels[m], stepValues)).ToArray();
            int total = modelPaths.Length * (modalityNames.Length * ratioValues.Length + 7 + StepScenarios.Length * stepValues.Length), done = 0;
            var bar = ProgressBar.ForStandardError(context.Error);
            context.Error.WriteLine($"Evaluating {modelPaths.Length} model(s) on {directory}/{splitName} ({manifest.Splits[splitName].Questions} questions): {total} evaluations.");
            for (int m = 0; m < modelPaths.Length; m++)
            {
                var model = loaded[m];
                AvqaMetrics Run(MissingModalityScenario scenario, ITransformer? variant = null)
                {
                    bar.Update("evaluating", done, total, $"{labels[m]}, {scenario}");
                    var metrics = ScenarioEvaluation.Evaluate(mlContext, variant ?? model, rows, scenario, seedValue);
                    done++;
                    return metrics;
                }
                foreach (string modality in modalityNames)
                    foreach (double ratio in ratioValues)
                        points.Add(new(labels[m], modality, ratio, Run(MissingModalityScenario.Parse(Invariant($"{modality}:{ratio}")))));
                foreach (string scenario in new[] { "none", "audio", "visual", "either", "audio+noise", "visual+noise", "either+noise" })
                    matrix.Add(($"{labels[m]}, {scenario}", Run(MissingModalityScenario.Parse(scenario))));
                for (int k = 0; k < stepValues.Length; k++)
                    foreach (string scenario in StepScenarios)
                        stepPoints.Add(new(labels[m], scenario, stepValues[k], Run(MissingModalityScenario.Parse(scenario), stepModels[m][k])));
            }
            bar.Clear();

            string work = staged.Path;
            foreach (string modality in modalityNames)
            {
                var series = labels.Select(label => (Label: label,
                        Points: (IReadOnlyList<(double, AvqaMetrics)>)points.Where(p => p.Model == label && p.Modality == modality).Select(p => (p.Ratio, p.Metrics)).ToList()))
                    .ToList();
                AvqaCharts.AccuracyByMissingRatio(series, title: $"All Avg against the share of rows with {DescribeModality(modality)} missing")
                    .SavePng(Path.Combine(work, ChartFile(modality)), AvqaCharts.DefaultWidth, AvqaCharts.DefaultHeight);
            }
            if (stepPoints.Count > 0)
            {
                var series = stepPoints.GroupBy(p => (p.Model, p.Scenario)).Select(g => (Label: $"{g.Key.Model}, {ScenarioName(g.Key.Scenario)}",
                    Points: (IReadOnlyList<(int, AvqaMetrics)>)g.Select(p => (p.Steps, p.Metrics)).ToList())).ToList();
                AvqaCharts.AccuracyByDiffusionSteps(series, title: "All Avg against the AVR diffusion's enhancement steps")
                    .SavePng(Path.Combine(work, StepsChartFile), AvqaCharts.DefaultWidth, AvqaCharts.DefaultHeight);
            }
            string report = Report(directory, splitName, seedValue, modalityNames, ratioValues, labels, points, matrix) + StepsReport(stepPoints);
            File.WriteAllText(Path.Combine(work, "sweep.md"), report, new UTF8Encoding(false));
            File.WriteAllText(Path.Combine(work, "sweep.json"), Json(points, matrix, stepPoints), new UTF8Encoding(false));
            staged.Commit();

            context.Out.WriteLine("All Avg (%) against the missing ratio; every type and group is in sweep.md:");
            context.Out.WriteLine();
            context.Out.Write(RatioTable(modalityNames, ratioValues, labels, points));
            context.Out.WriteLine();
            context.Out.WriteLine("Scenario matrix, every row affected (%):");
            context.Out.WriteLine();
            context.Out.Write(AvqaMetrics.ToSummaryMarkdownTable(matrix));
            context.Out.WriteLine();
            if (stepPoints.Count > 0)
            {
                context.Out.WriteLine("All Avg (%) against the enhancement steps S:");
                context.Out.WriteLine();
                context.Out.Write(StepsTable(stepPoints));
                context.Out.WriteLine();
            }
            context.Out.WriteLine($"Wrote {staged.Target}: sweep.md, sweep.json, {string.Join(", ", modalityNames.Select(ChartFile).Concat(stepPoints.Count > 0 ? [StepsChartFile] : []))}.");
            return Program.Success;
        }
    }

    private sealed record SweepPoint(string Model, string Modality, double Ratio, AvqaMetrics Metrics);

    private sealed record StepPoint(string Model, string Scenario, int Steps, AvqaMetrics Metrics);

    /// <summary>The scenarios measured at each enhancement step count.</summary>
    private static readonly string[] StepScenarios = ["none", "audio", "visual"];

    private static string ScenarioName(string scenario) => scenario switch
    {
        "none" => "complete",
        "audio" => "audio missing",
        _ => "visual missing",
    };

    private static int[] ParseSteps(string text) =>
        OptionLists.Parse<int>(text, "--start-steps", "a step count (0 or more)", steps => steps >= 0);

    /// <summary>The model at each step count; a usage error when it holds no AVR diffusion or a count exceeds its T.</summary>
    private static ITransformer[] StepVariants(ITransformer model, string label, int[] steps)
    {
        try
        {
            return [.. steps.Select(s => Avr.AvrTransformer.WithEnhancementSteps(model, s))];
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--start-steps: model '{label}': {e.Message.Split(" (Parameter")[0]}");
        }
    }

    private static string StepsTable(List<StepPoint> points)
    {
        int[] steps = [.. points.Select(p => p.Steps).Distinct().Order()];
        var table = new StringBuilder("| model | scenario |");
        foreach (int s in steps)
            table.Append(Invariant($" S = {s} |"));
        table.Append("\n|---|---|").Append(string.Concat(steps.Select(_ => "---:|"))).Append('\n');
        foreach (var group in points.GroupBy(p => (p.Model, p.Scenario)))
        {
            table.Append(Invariant($"| {group.Key.Model} | {ScenarioName(group.Key.Scenario)} |"));
            foreach (int s in steps)
                table.Append(Invariant($" {100 * group.Single(p => p.Steps == s).Metrics.Accuracy:F2} |"));
            table.Append('\n');
        }
        return table.ToString();
    }

    private static string StepsReport(List<StepPoint> points)
    {
        if (points.Count == 0)
            return "";
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("The AVR diffusion enhancing in S steps (the recalled pair noised to step S and denoised; S = 0 leaves it as recalled), the same fitted weights. All Avg (%):");
        text.AppendLine();
        text.Append(StepsTable(points));
        text.AppendLine();
        text.AppendLine($"![All Avg against the enhancement steps]({StepsChartFile})");
        text.AppendLine();
        text.Append(AvqaMetrics.ToMarkdownTable(points.Select(p => (Invariant($"{p.Model}, {ScenarioName(p.Scenario)}, S = {p.Steps}"), p.Metrics))));
        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static double[] ParseRatios(string text) =>
        OptionLists.Parse<double>(text, "--ratios", "a ratio in [0, 1]", ratio => ratio >= 0 && ratio <= 1);

    private static string[] ParseModalities(string text)
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => n.ToLowerInvariant()).Distinct().ToArray();
        foreach (string name in names)
            if (name is not ("audio" or "visual" or "either"))
                throw new UsageException($"--modalities: '{name}' is not audio, visual or either.");
        if (names.Length == 0)
            throw new UsageException("--modalities: give at least one of audio, visual, either.");
        return names;
    }

    // File names without the extension; the parent folder's name as well where two models share a file name.
    private static string[] ModelLabels(string[] paths)
    {
        string[] names = [.. paths.Select(Path.GetFileNameWithoutExtension).Select(n => n ?? "model")];
        for (int i = 0; i < names.Length; i++)
            if (names.Count(n => n == names[i]) > 1)
                names[i] = $"{Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(paths[i])))}/{names[i]}";
        if (names.Distinct().Count() != names.Length)
            throw new UsageException("--model: the same model is given twice.");
        return names;
    }

    private static string DescribeModality(string modality) => modality switch
    {
        "audio" => "the audio",
        "visual" => "the picture",
        _ => "one modality (audio or picture, half each)",
    };

    private static string RatioTable(string[] modalities, double[] ratios, string[] labels, List<SweepPoint> points)
    {
        var table = new StringBuilder("| model | missing |");
        foreach (double ratio in ratios)
            table.Append(Invariant($" {ratio:0.##} |"));
        table.Append("\n|---|---|").Append(string.Concat(ratios.Select(_ => "---:|"))).Append('\n');
        foreach (string label in labels)
            foreach (string modality in modalities)
            {
                table.Append(Invariant($"| {label} | {modality} |"));
                foreach (double ratio in ratios)
                    table.Append(Invariant($" {100 * points.Single(p => p.Model == label && p.Modality == modality && p.Ratio == ratio).Metrics.Accuracy:F2} |"));
                table.Append('\n');
            }
        return table.ToString();
    }

    private static string Report(string directory, string split, int seed, string[] modalities, double[] ratios, string[] labels,
        List<SweepPoint> points, List<(string Label, AvqaMetrics Metrics)> matrix)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"# Missing-modality sweep on `{split}` of `{Path.GetFileName(Path.GetFullPath(directory))}` (seed {seed})"));
        text.AppendLine();
        text.AppendLine("The share of rows that lose a modality (removed: zero features, missing flag set), the rows drawn by the seed. All Avg (%):");
        text.AppendLine();
        text.Append(RatioTable(modalities, ratios, labels, points));
        text.AppendLine();
        foreach (string modality in modalities)
        {
            text.AppendLine(Invariant($"![All Avg against the share of rows with {DescribeModality(modality)} missing]({ChartFile(modality)})"));
            text.AppendLine();
        }
        text.AppendLine("Every question type and group, each ratio:");
        text.AppendLine();
        text.Append(AvqaMetrics.ToMarkdownTable(points.Select(p => (Invariant($"{p.Model}, {p.Modality} {p.Ratio:0.##}"), p.Metrics))));
        text.AppendLine();
        text.AppendLine("Scenario matrix, every row affected (`+noise`: Gaussian noise in place of the features, the public code's protocol):");
        text.AppendLine();
        text.Append(AvqaMetrics.ToMarkdownTable(matrix));
        return text.ToString();
    }

    private static string Json(List<SweepPoint> points, List<(string Label, AvqaMetrics Metrics)> matrix, List<StepPoint> stepPoints)
    {
        var sweep = new JsonArray();
        foreach (var p in points)
            sweep.Add(new JsonObject
            {
                ["model"] = p.Model,
                ["modality"] = p.Modality,
                ["ratio"] = p.Ratio,
                ["metrics"] = JsonNode.Parse(p.Metrics.ToJson(Invariant($"{p.Modality}:{p.Ratio}"))),
            });
        var scenarios = new JsonArray();
        foreach (var (label, metrics) in matrix)
            scenarios.Add(JsonNode.Parse(metrics.ToJson(label)));
        var steps = new JsonArray();
        foreach (var p in stepPoints)
            steps.Add(new JsonObject
            {
                ["model"] = p.Model,
                ["scenario"] = p.Scenario,
                ["startStep"] = p.Steps,
                ["metrics"] = JsonNode.Parse(p.Metrics.ToJson(p.Scenario)),
            });
        return new JsonObject { ["sweep"] = sweep, ["matrix"] = scenarios, ["startSteps"] = steps }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }
}
