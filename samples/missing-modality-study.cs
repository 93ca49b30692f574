#:package Microsoft.ML.MissingModality@0.1.0
#:package Microsoft.ML.MissingModality.Datasets@0.1.0
#:package Microsoft.ML.MissingModality.Charts@0.1.0
#:property ManagePackageVersionsCentrally=false
#:property PublishAot=false
// The twin of notebooks/missing-modality-study.ipynb, which is generated from this file (samples/README.md). Run it
// with `dotnet run samples/missing-modality-study.cs` once `dotnet pack -c Release` has filled local-feed/.
// %% [markdown]
// # A missing-modality study: AVST alone against the paper's method
//
// The paper's question: when the audio or the picture of a video is lost, how much accuracy does answering lose,
// and how much does recalling the lost modality win back? This notebook trains both answerers on the same data,
// then evaluates them under the paper's scenarios (Table 1: a modality lost on every test row) and across missing
// ratios (Fig. 5: a share of the rows), with charts.
//
// It uses the `tiny` synthetic benchmark (60 videos) so that it runs in a few minutes on a CPU: the numbers show
// the mechanics, not the method's merit. The measured study on the `small` preset, with baselines, seeds and the
// honest conclusion, is in the repository's `docs/results.md`; `avqa demo` and `avqa sweep` run it from the shell.
// %% notebook-only
//> void Show(ScottPlot.Plot plot) =>
//>     display(HTML($"<img src=\"data:image/png;base64,{Convert.ToBase64String(Microsoft.ML.MissingModality.Charts.AvqaCharts.ToPng(plot))}\"/>"));
// %%
using Microsoft.ML;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Avr;
using Microsoft.ML.MissingModality.Charts;
using Microsoft.ML.MissingModality.Datasets;
using Microsoft.ML.MissingModality.Datasets.Synthetic;
using Microsoft.ML.MissingModality.Evaluation;
using Microsoft.ML.MissingModality.Rmm;
using Microsoft.ML.MissingModality.Scenarios;

string work = Path.Combine(Path.GetTempPath(), "mm-missing-modality-study");
if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
string data = Path.Combine(work, "data");
var generator = new SyntheticGenerator(SyntheticPreset.Tiny, seed: 1);
generator.Generate(data);
var mlContext = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = true };
var mm = mlContext.MissingModality();
var train = mlContext.Data.LoadFromAvqaDataset(data, "train");
var test = mlContext.Data.LoadFromAvqaDataset(data, "test");
// %% [markdown]
// ## Two answerers
//
// *AVST alone* feeds a lost modality as zeros (the paper's baseline). *RMM + AVR* puts the recall and the
// diffusion in front and trains the answerer on the paper's Eq. 8 (real, recalled-audio and recalled-visual pairs).
// Same schedule for both answerers.
// %%
var answerer = new AvqaTrainerOptions { Epochs = 8, BatchSize = 8, Seed = 1 };
var avstAlone = mm.FeaturizeQuestion().Append(mm.MapAnswerToLabel())
    .Append(mm.AvqaTrainer(answerer))
    .Fit(train);
var method = mm.FeaturizeQuestion().Append(mm.MapAnswerToLabel())
    .Append(mm.RmmGenerator(new RmmGeneratorOptions { Epochs = 5, Seed = 1 }))
    .Append(mm.AvrDiffusion(new AvrDiffusionOptions { Epochs = 5, Seed = 1 }))
    .Append(mm.AvqaTrainer(answerer))
    .Fit(train);
var models = new (string Name, ITransformer Model)[] { ("AVST alone", avstAlone), ("RMM + AVR", method) };
// %% [markdown]
// ## The paper's scenarios
//
// Each scenario takes a modality from every test row (`Remove`: zero features, missing flag set). The benchmark's
// reference answerers (majority per template, question only, single-modality oracles) say what is attainable.
// %%
AvqaMetrics Evaluate(ITransformer model, MissingModalityScenario scenario) =>
    mm.Evaluate(model.Transform(mm.SimulateMissingModality(scenario, seed: 1).Fit(test).Transform(test)));

var table = new List<(string, AvqaMetrics)>();
foreach (var (name, model) in models)
    foreach (string scenario in new[] { "none", "audio", "visual" })
        table.Add(($"{name}, {(scenario == "none" ? "complete" : scenario + " missing")}", Evaluate(model, MissingModalityScenario.Parse(scenario))));
Console.Write(AvqaMetrics.ToSummaryMarkdownTable(table));
Console.Write(DifficultyReport.Compute(generator).ToMarkdown());
Show(AvqaCharts.AccuracyByType(table, "Accuracy per question type, tiny test split"));
// %% [markdown]
// ## Missing ratios (Fig. 5)
//
// A share of the test rows loses the audio; the rest stay complete.
// %%
var series = models.Select(m => (m.Name, (IReadOnlyList<(double, AvqaMetrics)>)new[] { 0.0, 0.5, 1.0 }
        .Select(ratio => (ratio, Evaluate(m.Model, new MissingModalityScenario(MissingModalityKind.Audio, ratio)))).ToList()))
    .ToList();
foreach (var (name, points) in series)
    Console.WriteLine($"{name}: " + string.Join(", ", points.Select(p => $"{p.Item1:P0} missing -> {100 * p.Item2.Accuracy:F1}%")));
Show(AvqaCharts.AccuracyByMissingRatio(series, title: "All Avg against the share of rows without audio"));
// %% [markdown]
// ## The recall, and how many slots it needs
//
// Each recalled column is what the recaller gives when that modality is missing; on test rows that have both, it can
// be compared with the real features. The training mean is the bar to clear: a recall no closer than the average
// feature has learnt nothing about the video. The paper's Table 5 sweeps the slots per memory (L).
// %%
var prefix = mm.FeaturizeQuestion().Fit(train);
var recallTrain = prefix.Transform(train);
var recallTest = prefix.Transform(test);
var mean = mm.EvaluateRecall(mm.RecallBaseline(Microsoft.ML.MissingModality.Recall.RecallMethod.Mean).Fit(recallTrain).Transform(recallTest));
Console.WriteLine($"training mean: {mean}");
var bySlots = new List<(int, RecallQuality)>();
foreach (int slots in new[] { 1, 5, 25 })
{
    var rmm = mm.RmmGenerator(new RmmGeneratorOptions { Slots = slots, Epochs = 3, Seed = 1 }).Fit(recallTrain);
    var quality = mm.EvaluateRecall(rmm.Transform(recallTest));
    bySlots.Add((slots, quality));
    Console.WriteLine($"RMM, L = {slots}: {quality}");
}
Show(AvqaCharts.RecallErrorBySlots(bySlots, mean));
// %% [markdown]
// ## Enhancement steps
//
// The AVR diffusion enhances the recalled pair by noising it to step S and denoising it; the same fitted weights can
// enhance in any number of steps without training again (S = 0 leaves the recall as it is). The answerer was trained
// on the pairs of the default S, so other values show how much it leans on them.
// %%
var bySteps = new[] { "none", "audio", "visual" }.Select(scenario => (scenario == "none" ? "complete" : scenario + " missing",
        (IReadOnlyList<(int, AvqaMetrics)>)new[] { 0, 1, 3, 10 }
            .Select(steps => (steps, Evaluate(AvrTransformer.WithEnhancementSteps(method, steps), MissingModalityScenario.Parse(scenario)))).ToList()))
    .ToList();
foreach (var (name, points) in bySteps)
    Console.WriteLine($"{name}: " + string.Join(", ", points.Select(p => $"S = {p.Item1} -> {100 * p.Item2.Accuracy:F1}%")));
Show(AvqaCharts.AccuracyByDiffusionSteps(bySteps));
// %% app-only
void Show(ScottPlot.Plot plot)
{
    string png = Path.Combine(work, $"chart-{Directory.GetFiles(work, "chart-*.png").Length + 1}.png");
    plot.SavePng(png, AvqaCharts.DefaultWidth, AvqaCharts.DefaultHeight);
    Console.WriteLine($"chart: {png}");
}
