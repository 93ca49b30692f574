#:package Microsoft.ML.MissingModality@0.1.0
#:package Microsoft.ML.MissingModality.Datasets@0.1.0
#:package Microsoft.ML.MissingModality.Charts@0.1.0
#:property ManagePackageVersionsCentrally=false
#:property PublishAot=false
// The twin of notebooks/quick-start.ipynb, which is generated from this file (samples/README.md). Run it with
// `dotnet run samples/quick-start.cs` once `dotnet pack -c Release` has put the packages into local-feed/.
// PublishAot=false: file-based apps default to AOT-ready settings, which turn off the dynamic code ML.NET's
// PredictionEngine needs; ManagePackageVersionsCentrally=false: the repository pins versions centrally, this file
// pins its own.
// %% [markdown]
// # Quick start: answer questions about videos whose audio or picture is missing
//
// The whole user path in a few cells: a dataset in the library's Parquet layout, the paper's pipeline
// (`RmmGenerator` → `AvrDiffusion` → `AvqaTrainer`), evaluation per question type with a modality taken away, a
// model zip, and a `PredictionEngine` that answers one question. The data is the synthetic `tiny` benchmark so that
// everything runs in about a minute on a laptop CPU; its accuracies mean nothing (60 videos).
// %% notebook-only
//> // Charts inline: the PNG as an HTML image.
//> void Show(ScottPlot.Plot plot) =>
//>     display(HTML($"<img src=\"data:image/png;base64,{Convert.ToBase64String(Microsoft.ML.MissingModality.Charts.AvqaCharts.ToPng(plot))}\"/>"));
// %%
using Microsoft.ML;
using Microsoft.ML.MissingModality;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Avr;
using Microsoft.ML.MissingModality.Charts;
using Microsoft.ML.MissingModality.Datasets.Synthetic;
using Microsoft.ML.MissingModality.Rmm;
using Microsoft.ML.MissingModality.Scenarios;
using Microsoft.ML.MissingModality.Training;

string work = Path.Combine(Path.GetTempPath(), "mm-quick-start");
if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
string data = Path.Combine(work, "data");
new SyntheticGenerator(SyntheticPreset.Tiny, seed: 1).Generate(data);

var mlContext = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = true };   // a GPU when there is one
var mm = mlContext.MissingModality();
var train = mlContext.Data.LoadFromAvqaDataset(data, "train");
Console.WriteLine($"{mlContext.Data.LoadAvqaManifest(data).Splits["train"].Questions} training questions");
// %% [markdown]
// ## The pipeline
//
// `RmmGenerator` learns slot memories that recall a missing modality from the other one and the question;
// `AvrDiffusion` learns a denoising diffusion model of real audio-visual pairs and enhances each recalled pair;
// `AvqaTrainer` (AVST) trains on the real, recalled-audio and recalled-visual combinations (the paper's Eq. 8).
// Each component reports its epochs through `Progress`; the answerer's reports are kept for a chart.
// %%
var history = new List<EpochReport>();
var pipeline = mm.FeaturizeQuestion()
    .Append(mm.MapAnswerToLabel())
    .Append(mm.RmmGenerator(new RmmGeneratorOptions { Epochs = 5, Progress = r => Console.WriteLine("rmm " + r) }))
    .Append(mm.AvrDiffusion(new AvrDiffusionOptions { Epochs = 5, Progress = r => Console.WriteLine("avr " + r) }))
    .Append(mm.AvqaTrainer(new AvqaTrainerOptions
    {
        Epochs = 8, BatchSize = 8,
        Progress = r => { Console.WriteLine(r); history.Add(r); },
    }))
    .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedAnswer", "PredictedLabel"));
var model = pipeline.Fit(train);
Show(AvqaCharts.TrainingCurves([("AVST on Eq. 8", history)], "Answer accuracy per epoch"));
// %% [markdown]
// ## Evaluate with a modality missing
//
// `SimulateMissingModality` takes the audio (or the picture) away from every test row, as the paper's Table 1 does:
// the features become zeros and the row's missing flag is set, so the pipeline recalls the lost modality.
// %%
var test = mlContext.Data.LoadFromAvqaDataset(data, "test");
var results = new List<(string, Microsoft.ML.MissingModality.Evaluation.AvqaMetrics)>();
foreach (string scenario in new[] { "none", "audio", "visual" })
{
    var corrupted = mm.SimulateMissingModality(MissingModalityScenario.Parse(scenario), seed: 1).Fit(test).Transform(test);
    results.Add((scenario == "none" ? "complete" : scenario + " missing", mm.Evaluate(model.Transform(corrupted))));
}
Console.Write(Microsoft.ML.MissingModality.Evaluation.AvqaMetrics.ToSummaryMarkdownTable(results));
Show(AvqaCharts.AccuracyByType(results));
// %% [markdown]
// ## Save, load, answer one question
//
// The fitted pipeline is an ordinary ML.NET model zip. `CreatePredictionEngine` binds it to the documented
// `AvqaQuestion` and `AvqaAnswer` classes, with the feature shapes read from the zip's schema.
// %%
string zip = Path.Combine(work, "avqa.zip");
mlContext.Model.Save(model, train.Schema, zip);
var served = new MLContext(seed: 1);
var loaded = served.Model.Load(zip, out var inputSchema);
var engine = served.MissingModality().CreatePredictionEngine(loaded, inputSchema);

var video = new SyntheticGenerator(SyntheticPreset.Tiny, seed: 1).Stream("test").First();
var asked = video.Questions[0].Record;
var answer = engine.Predict(new AvqaQuestion { Question = asked.Question, Visual = video.Features!.Visual!, AudioMissing = true });
Console.WriteLine($"{asked.Question} (audio lost) -> {answer.PredictedAnswer}, p = {answer.Score.Max():F2}; truth: {asked.Answer}");
// %% app-only
void Show(ScottPlot.Plot plot)
{
    string png = Path.Combine(work, $"chart-{Directory.GetFiles(work, "chart-*.png").Length + 1}.png");
    plot.SavePng(png, AvqaCharts.DefaultWidth, AvqaCharts.DefaultHeight);
    Console.WriteLine($"chart: {png}");
}
