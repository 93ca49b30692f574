using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Avr;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets.Synthetic;
using Microsoft.ML.MissingModality.Rmm;
using Microsoft.ML.MissingModality.Scenarios;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Bench;

/// <summary>
/// The full method (RMM generator, AVR diffusion, AVST on Eq. 8) at MUSIC-AVQA's real shapes (audio [10,128],
/// visual [10,512,14,14], 14 tokens): seconds per training step of each staged component at each batch size (one
/// epoch each, the median step after the first), their sum as the full method's step, the answerer step split into
/// its parts, the process's peak memory, and
/// the latency of answering one question with the audio missing through a PredictionEngine.
/// </summary>
internal static class AvrBenchmark
{
    public static void Run(int videos, int[] batchSizes, int startStep, int prefetch, string workDirectory, string resultsPath)
    {
        if (Directory.Exists(workDirectory)) Directory.Delete(workDirectory, recursive: true);
        string data = Path.Combine(workDirectory, "data");
        var preset = new SyntheticPreset("bench", FeatureShape.MusicAvqa, [new("train", videos, videos * 5)]);
        new SyntheticGenerator(preset, seed: 1).Generate(data);
        var context = new MLContext(seed: 1);
        var train = context.Data.LoadFromAvqaDataset(data, "train");
        var mm = context.MissingModality();
        var prep = mm.FeaturizeQuestion().Append(mm.MapAnswerToLabel()).Fit(train);
        // The peak so far after each stage (the high-water mark only grows), and the sampled peaks of the managed heap
        // and of the rest (libtorch, the runtime): where the memory goes.
        using var sampler = new MemorySampler(TimeSpan.FromMilliseconds(250));
        var peaks = new List<string>();
        void Peak(string stage)
        {
            sampler.Sample();
            peaks.Add($"{stage}: {MemorySampler.HighWaterMarkBytes() / 1e9:F2} GB (sampled peaks: managed heap {sampler.PeakManagedBytes / 1e9:F2} GB, native {sampler.PeakNativeBytes / 1e9:F2} GB)");
        }
        Peak("data written and read");
        var rows = new List<object>();
        ITransformer? model = null;
        foreach (int batch in batchSizes)
        {
            var rmmSteps = new StepClock("RMM");
            var rmm = mm.RmmGenerator(new RmmGeneratorOptions { Epochs = 1, BatchSize = batch, Seed = 1, PrefetchBatches = prefetch, StepProgress = rmmSteps.Tick })
                .Fit(prep.Transform(train));
            var recalled = rmm.Transform(prep.Transform(train));
            Peak($"batch {batch}, RMM trained");
            var aveSteps = new StepClock("AVE");
            var avr = mm.AvrDiffusion(new AvrDiffusionOptions { Epochs = 1, BatchSize = batch, StartStep = startStep, Seed = 1, PrefetchBatches = prefetch, StepProgress = aveSteps.Tick }).Fit(recalled);
            Peak($"batch {batch}, AVR trained");
            var answerSteps = new StepClock("answerer");
            var answerer = mm.AvqaTrainer(new AvqaTrainerOptions { Epochs = 1, BatchSize = batch, Seed = 1, PrefetchBatches = prefetch, StepProgress = answerSteps.Tick })
                .Fit(avr.Transform(recalled));
            model = prep.Append(rmm).Append(avr).Append(answerer);
            Peak($"batch {batch}, answerer trained");
            var answererParts = AnswererStepParts(answerer, avr.Transform(recalled), batch);
            var row = new
            {
                batch,
                rmmStepSeconds = rmmSteps.Median,
                aveStepSeconds = aveSteps.Median,
                answererStepSeconds = answerSteps.Median,
                fullMethodStepSeconds = Math.Round(rmmSteps.Median + aveSteps.Median + answerSteps.Median, 3),
                answererStepParts = answererParts,
                steps = $"{rmmSteps.Count} / {aveSteps.Count} / {answerSteps.Count}",
            };
            Console.WriteLine(row);
            rows.Add(row);
        }

        // One question with the audio missing, answered through a PredictionEngine (median of 20 after 3 warm-ups).
        var test = mm.SimulateMissingModality(MissingModalityScenario.Parse("audio"), seed: 1).Fit(train).Transform(train);
        var definition = SchemaDefinition.Create(typeof(AvqaBenchRow));
        foreach (string vector in new[] { nameof(AvqaBenchRow.Audio), nameof(AvqaBenchRow.Visual) })
            definition.Single(c => c.MemberName == vector).ColumnType = train.Schema[vector].Type;
        var engine = context.Model.CreatePredictionEngine<AvqaBenchRow, AvqaBenchPrediction>(model!, inputSchemaDefinition: definition);
        var question = FirstRow(test);
        var latencies = new List<double>();
        for (int i = 0; i < 23; i++)
        {
            var clock = Stopwatch.StartNew();
            engine.Predict(question);
            if (i >= 3) latencies.Add(clock.Elapsed.TotalSeconds);
        }
        latencies.Sort();
        var result = new
        {
            benchmark = "avr",
            shape = FeatureShape.MusicAvqa.ToString(),
            questions = videos * 5,
            defaults = $"RMM 75 slots; AVR width 64, 2 blocks, T = 10, S = {startStep} ({(startStep == 0 ? 10 : startStep)} reverse steps per pair), DDPM; AVST hidden 512; {prefetch} batch(es) read ahead",
            rows,
            audioMissingQuestionSeconds = Math.Round(latencies[latencies.Count / 2], 4),
            peakRssGb = Math.Round(MemorySampler.HighWaterMarkBytes() / 1e9, 2),
            peakManagedGb = Math.Round(sampler.PeakManagedBytes / 1e9, 2),
            peakNativeGb = Math.Round(sampler.PeakNativeBytes / 1e9, 2),
            peakRssAfter = peaks,
            threads = Environment.GetEnvironmentVariable("OMP_NUM_THREADS") ?? "default",
            machine = BenchResults.Machine,
        };
        Console.WriteLine(BenchResults.WriteJson(resultsPath, result));
        Directory.Delete(workDirectory, recursive: true);
    }

    // Where an answerer step goes, timed apart over the first batches of the trained answerer (medians, the first batch
    // left out): filling a batch through the recaller and the diffusion upstream (reading, recall, enhancement of both
    // pairs at S reverse steps, copies), then Eq. 8's three answer passes (forward), backward, and the Adam step.
    private static object AnswererStepParts(AvqaTransformer answerer, IDataView enhanced, int batchSize)
    {
        var source = new DataViewBatchSource(enhanced, answerer.Binding, new AvqaTrainerOptions().LabelColumnName, batchSize,
            shuffleSeed: null, skipUnknownAnswers: true);
        using var objective = new AvstObjective(answerer.Network, seed: 1);
        using var optimizer = TrainingLoop.CreateOptimizer(objective, 1e-4);
        var parts = new[] { new List<double>(), new List<double>(), new List<double>(), new List<double>() };
        answerer.Network.train();
        var clock = Stopwatch.StartNew();
        foreach (var batch in source.ReadEpoch(epoch: 0))
        {
            parts[0].Add(clock.Elapsed.TotalSeconds);
            using (var scope = torch.NewDisposeScope())
            {
                optimizer.zero_grad();
                clock.Restart();
                var result = objective.TrainStep(batch, torch.CPU);
                result.Loss!.item<float>();
                parts[1].Add(clock.Elapsed.TotalSeconds);
                clock.Restart();
                result.Loss.backward();
                parts[2].Add(clock.Elapsed.TotalSeconds);
                clock.Restart();
                optimizer.step();
                parts[3].Add(clock.Elapsed.TotalSeconds);
            }
            if (parts[0].Count == 6)
                break;
            clock.Restart();
        }
        answerer.Network.eval();
        double Median(List<double> seconds) => Math.Round(seconds.Skip(1).Order().ElementAt((seconds.Count - 2) / 2), 4);
        return new
        {
            batches = parts[0].Count - 1,
            fillThroughRecallAndEnhancementSeconds = Median(parts[0]),
            eq8ForwardSeconds = Median(parts[1]),
            backwardSeconds = Median(parts[2]),
            adamSeconds = Median(parts[3]),
        };
    }

    // The first row read in place: ML.NET's TakeRows and CreateEnumerable would split the read across threads and
    // queue batches of 4 MB rows (gigabytes at these shapes), which is the benchmark's memory, not the library's.
    private static AvqaBenchRow FirstRow(IDataView data)
    {
        using var cursor = Internal.SerialCursor.Open(data, data.Schema);
        if (!cursor.MoveNext())
            throw new InvalidOperationException("The benchmark's dataset has no rows.");
        ReadOnlyMemory<char> question = default, answer = default;
        VBuffer<float> audio = default, visual = default;
        bool audioMissing = false, visualMissing = false;
        cursor.GetGetter<ReadOnlyMemory<char>>(data.Schema[AvqaColumns.Question])(ref question);
        cursor.GetGetter<ReadOnlyMemory<char>>(data.Schema[AvqaColumns.Answer])(ref answer);
        cursor.GetGetter<VBuffer<float>>(data.Schema[AvqaColumns.Audio])(ref audio);
        cursor.GetGetter<VBuffer<float>>(data.Schema[AvqaColumns.Visual])(ref visual);
        cursor.GetGetter<bool>(data.Schema[AvqaColumns.AudioMissing])(ref audioMissing);
        cursor.GetGetter<bool>(data.Schema[AvqaColumns.VisualMissing])(ref visualMissing);
        return new AvqaBenchRow
        {
            Question = question.ToString(), Answer = answer.ToString(), Audio = audio.DenseValues().ToArray(), Visual = visual.DenseValues().ToArray(),
            AudioMissing = audioMissing, VisualMissing = visualMissing,
        };
    }

    // Seconds between step reports; the first step of an epoch also pays reading and warm-up, so it is left out.
    private sealed class StepClock(string stage)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<double> _seconds = [];

        public int Count => _seconds.Count;

        public double Median => _seconds.Count <= 1 ? Math.Round(_seconds.FirstOrDefault(), 3)
            : Math.Round(_seconds.Skip(1).Order().ElementAt((_seconds.Count - 1) / 2), 3);

        public void Tick(TrainingStep step)
        {
            _seconds.Add(_clock.Elapsed.TotalSeconds);
            _clock.Restart();
            if (MemorySampler.Verbose && (step.Step == 1 || step.Step % 50 == 0))
                Console.Error.WriteLine($"[step] {stage} epoch {step.Epoch} step {step.Step}/{step.StepsPerEpoch}");
        }
    }
}

/// <summary>A dataset row as the benchmark feeds it to the prediction engine.</summary>
public sealed class AvqaBenchRow
{
    public string Question { get; set; } = "";
    public string Answer { get; set; } = "";
    public float[] Audio { get; set; } = [];
    public float[] Visual { get; set; } = [];
    public bool AudioMissing { get; set; }
    public bool VisualMissing { get; set; }
}

/// <summary>The answer the benchmark reads back.</summary>
public sealed class AvqaBenchPrediction
{
    public uint PredictedLabel { get; set; }
}
