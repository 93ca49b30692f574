using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets.Synthetic;

namespace Microsoft.ML.MissingModality.Bench;

/// <summary>
/// AVST training throughput at MUSIC-AVQA's real shapes (audio [10,128], visual [10,512,14,14], hidden 512,
/// batch 64) on whatever device the context picks: questions per second over timed epochs, read from Parquet.
/// </summary>
internal static class TrainingBenchmark
{
    public static void Run(int videos, int epochs, string device, string workDirectory, string resultsPath)
    {
        if (Directory.Exists(workDirectory)) Directory.Delete(workDirectory, recursive: true);
        string data = Path.Combine(workDirectory, "data");
        var preset = new SyntheticPreset("bench", FeatureShape.MusicAvqa, [new("train", videos, videos * 5)]);
        new SyntheticGenerator(preset, seed: 1).Generate(data);

        using var memory = new MemorySampler(TimeSpan.FromSeconds(1));
        var context = new MLContext(seed: 1);
        if (device != "cpu") { context.GpuDeviceId = 0; context.FallbackToCpu = device == "auto"; }
        var train = context.Data.LoadFromAvqaDataset(data, "train");
        var mm = context.MissingModality();
        var prepared = mm.FeaturizeQuestion().Append(mm.MapAnswerToLabel()).Fit(train).Transform(train);
        var epochSeconds = new List<double>();
        var clock = Stopwatch.StartNew();
        mm.AvqaTrainer(new AvqaTrainerOptions
        {
            Epochs = epochs, Seed = 1,
            Progress = report =>
            {
                epochSeconds.Add(report.Elapsed.TotalSeconds);
                Console.WriteLine(report);
            },
        }).Fit(prepared);
        memory.Sample();
        int questions = videos * 5;
        // The first epoch pays JIT and allocator warm-up: report the best epoch and the median of the others.
        double best = epochSeconds.Min();
        var later = epochSeconds.Skip(1).Order().ToList();
        double median = later.Count == 0 ? best : later[later.Count / 2];
        var result = new
        {
            benchmark = "training",
            shape = FeatureShape.MusicAvqa.ToString(),
            questions,
            epochs,
            device = Training.TorchDeviceSelector.CountCudaDevices() > 0 && device != "cpu" ? "cuda:0" : "cpu",
            epochSeconds = epochSeconds.Select(s => Math.Round(s, 2)).ToArray(),
            bestQuestionsPerSecond = Math.Round(questions / best, 1),
            medianQuestionsPerSecond = Math.Round(questions / median, 1),
            totalSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            peakRssGb = Math.Round(memory.PeakRssBytes / 1e9, 2),
            peakManagedGb = Math.Round(memory.PeakManagedBytes / 1e9, 2),
            machine = BenchResults.Machine,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(resultsPath))!);
        File.WriteAllText(resultsPath, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"{questions} questions at MUSIC-AVQA shape: best epoch {best:F1} s = {questions / best:F1} questions/s, " +
            $"median of epochs 2+ {median:F1} s = {questions / median:F1} questions/s; peak RSS {memory.PeakRssBytes / 1e9:F2} GB; written to {resultsPath}");
        Directory.Delete(workDirectory, recursive: true);
    }
}
