using Microsoft.ML;
using Microsoft.ML.MissingModality;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets.Synthetic;
using Microsoft.ML.MissingModality.Scenarios;

namespace QuickStart;

public static class QuickStartSample
{
    public static void Run(string output, TextWriter log)
    {
        // 1. Data: the tiny synthetic benchmark, written in the Parquet dataset layout.
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        string data = Path.Combine(output, "data");
        new SyntheticGenerator(SyntheticPreset.Tiny, seed: 1).Generate(data);

        // 2. The pipeline: question → word ids, answer → label, AVST answerer, label → answer text.
        var mlContext = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = true };
        var mm = mlContext.MissingModality();
        var train = mlContext.Data.LoadFromAvqaDataset(data, "train");
        var pipeline = mm.FeaturizeQuestion()
            .Append(mm.MapAnswerToLabel())
            .Append(mm.AvqaTrainer(new AvqaTrainerOptions { Epochs = 20, HiddenSize = 64, LearningRate = 1e-3, Progress = r => log.WriteLine(r) }))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedAnswer", "PredictedLabel"));
        var model = pipeline.Fit(train);

        // 3. Evaluate with complete inputs and with the audio stream lost.
        var test = mlContext.Data.LoadFromAvqaDataset(data, "test");
        var complete = mm.Evaluate(model.Transform(test));
        var noAudio = mm.SimulateMissingModality(MissingModalityScenario.Parse("audio"), seed: 1).Fit(test).Transform(test);
        log.Write(Microsoft.ML.MissingModality.Evaluation.AvqaMetrics.ToMarkdownTable(
            [("complete", complete), ("audio missing", mm.Evaluate(model.Transform(noAudio)))]));

        // 4. Save as an ML.NET model zip, load it back, answer one question through a PredictionEngine.
        string zip = Path.Combine(output, "avqa.zip");
        mlContext.Model.Save(model, train.Schema, zip);
        var served = new MLContext(seed: 1);
        var loaded = served.Model.Load(zip, out var inputSchema);
        var engine = served.MissingModality().CreatePredictionEngine(loaded, inputSchema);   // AvqaQuestion → AvqaAnswer

        var video = new SyntheticGenerator(SyntheticPreset.Tiny, seed: 1).Stream("test").First();
        var asked = video.Questions[0].Record;
        var answer = engine.Predict(new AvqaQuestion { Question = asked.Question, Audio = video.Features!.Audio!, Visual = video.Features.Visual! });
        log.WriteLine($"Q: {asked.Question}  →  model: {answer.PredictedAnswer} (p = {answer.Score.Max():F2}), truth: {asked.Answer}");
    }
}
