using System.CommandLine;
using System.Text;
using Microsoft.ML.MissingModality.Cli.Recipes;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Scenarios;

namespace Microsoft.ML.MissingModality.Cli.Commands;

/// <summary>
/// <c>avqa evaluate --model MODEL.zip --data DIR [--split test] --missing none|audio|visual|either:RATIO [--seed S]
/// [--json FILE [--overwrite]]</c>: answers a split under a missing-modality scenario and prints accuracy per question type, group
/// and overall (a row each, so that it fits a terminal); <c>--json</c> also writes the metrics as JSON.
/// </summary>
public static class EvaluateCommand
{
    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model zip written by 'avqa train'.", Required = true };
        var data = new Option<string>("--data") { Description = "Dataset directory (with dataset.json).", Required = true };
        var split = new Option<string>("--split") { Description = "Split to answer.", DefaultValueFactory = _ => "test" };
        var missing = new Option<string>("--missing")
        {
            Description = "none, audio, visual or either, optionally :RATIO (default 1) and +noise (the public code's noise protocol), e.g. either:0.3.",
            DefaultValueFactory = _ => "none",
        };
        var seed = new Option<int>("--seed") { Description = "Seed of which rows lose which modality.", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda.", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong(DeviceChoice.Names);
        var json = new Option<string?>("--json") { Description = "Also write the metrics to this JSON file." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the --json file if it exists." };
        var command = new System.CommandLine.Command("evaluate", "Answer a split under a missing-modality scenario and report accuracy per question type.")
        {
            model, data, split, missing, seed, device, json, overwrite,
        };
        command.SetAction(parse => Execute(parse));
        return command;

        int Execute(ParseResult parse)
        {
            MissingModalityScenario scenario;
            try
            {
                scenario = MissingModalityScenario.Parse(parse.GetRequiredValue(missing));
            }
            catch (FormatException e)
            {
                context.Error.WriteLine($"error: {e.Message}");
                return Program.UsageError;
            }
            string modelPath = parse.GetRequiredValue(model), directory = parse.GetRequiredValue(data), splitName = parse.GetRequiredValue(split);
            if (parse.GetValue(json) is { } jsonTarget)
                ModelFiles.CheckWritable(jsonTarget, "--json", parse.GetValue(overwrite));
            if (!File.Exists(modelPath))
                throw new IOException($"Model file '{modelPath}' does not exist.");
            var mlContext = new MLContext(seed: parse.GetValue(seed));
            DeviceChoice.Apply(mlContext, parse.GetRequiredValue(device));
            var manifest = mlContext.Data.LoadAvqaManifest(directory);
            if (!manifest.Splits.ContainsKey(splitName))
                throw new AvqaDataException(Path.Combine(directory, DatasetSchema.ManifestFileName), null, null,
                    $"the dataset has no '{splitName}' split (it has: {string.Join(", ", manifest.Splits.Keys)})");

            ITransformer answerer = ModelFiles.Load(mlContext, modelPath);
            var rows = mlContext.Data.LoadFromAvqaDataset(directory, splitName);
            context.Error.WriteLine($"Evaluating '{modelPath}' on {directory}/{splitName} ({manifest.Splits[splitName].Questions} questions), scenario {scenario}.");
            var metrics = ScenarioEvaluation.Evaluate(mlContext, answerer, rows, scenario, parse.GetValue(seed));

            context.Out.WriteLine($"Scenario {scenario}:");
            context.Out.WriteLine();
            context.Out.Write(metrics.ToMarkdownBySlice());
            context.Out.WriteLine();
            if (metrics.Answers is { } answers)
                context.Out.WriteLine(FormattableString.Invariant(
                    $"{answers.Answers.Count} answers: macro accuracy {100 * answers.MacroAccuracy:F2} %, top-{answers.TopKPredictionCount} {100 * answers.TopKAccuracy:F2} %, log-loss {answers.LogLoss:F3}."));
            context.Out.WriteLine($"{metrics.Overall.Rows} questions, {metrics.Overall.Correct} answered correctly.");
            if (parse.GetValue(json) is { } jsonPath)
            {
                try
                {
                    // Without --overwrite the rename itself refuses a file that appeared meanwhile.
                    ModelFiles.WriteAtomically(jsonPath, temporary => File.WriteAllText(temporary, metrics.ToJson(scenario.ToString()), new UTF8Encoding(false)),
                        overwrite: parse.GetValue(overwrite));
                }
                catch (IOException) when (File.Exists(jsonPath) && !parse.GetValue(overwrite))
                {
                    throw new IOException($"'{jsonPath}' appeared while evaluating; pass --overwrite to replace it.");
                }
                context.Out.WriteLine($"Wrote {jsonPath}.");
            }
            return Program.Success;
        }
    }
}
