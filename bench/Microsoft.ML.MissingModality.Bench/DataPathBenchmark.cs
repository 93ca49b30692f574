using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets.Synthetic;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Bench;

/// <summary>
/// Does the data path keep up with the network? At MUSIC-AVQA's shapes, AVST with its defaults trains one epoch per
/// case per round, the cases alternating, each round starting with the next one: the network alone (one batch held
/// in memory, stepped on as many times as an epoch has batches), the full path from Parquet filled on the training
/// thread, and the full path with batches filled ahead on another thread (their visual rows read in place, as the
/// trainer does on the CPU, and copied into each batch, as before); and the reading alone (no network). The
/// tables are written with Snappy (the writer's default) unless <c>--compression none</c> is given. Reports seconds
/// per epoch (median of the rounds after the first), the full path's step rate as a share of the network's, managed
/// bytes allocated per epoch, and peak memory. With <c>--data DIR</c> it reads that dataset's train split instead of
/// writing one (at MUSIC-AVQA scale: the <c>music-avqa</c> preset), and with <c>--batches N</c> every case stops
/// after the first N batches of its epoch, so that a dataset too large to step through five times per round can be
/// measured in one run.
/// </summary>
internal static class DataPathBenchmark
{
    public static void Run(int videos, int batchSize, int rounds, Parquet.CompressionMethod compression, string workDirectory, string resultsPath,
        string? existingData = null, int? batchLimit = null)
    {
        string data = existingData ?? Path.Combine(workDirectory, "data");
        if (existingData is null)
        {
            if (Directory.Exists(workDirectory)) Directory.Delete(workDirectory, recursive: true);
            var preset = new SyntheticPreset("bench", FeatureShape.MusicAvqa, [new("train", videos, videos * 5)]);
            new SyntheticGenerator(preset, seed: 1).Generate(data, new DatasetWriterOptions { Compression = compression });
        }
        using var memory = new MemorySampler(TimeSpan.FromSeconds(0.5));

        var context = new MLContext(seed: 1);
        var mm = context.MissingModality();
        var raw = context.Data.LoadFromAvqaDataset(data, "train");
        var input = mm.FeaturizeQuestion().Append(mm.MapAnswerToLabel()).Fit(raw).Transform(raw);
        var options = new AvqaTrainerOptions { BatchSize = batchSize, Seed = 1 };
        var trainer = (AvqaTrainer)mm.AvqaTrainer(options);
        var prepared = trainer.Prepare(input.Schema, seed: 1);
        using var objective = trainer.CreateObjective(prepared, seed: 1);
        var device = torch.CPU;
        objective.Network.to(device);
        using var optimizer = TrainingLoop.CreateOptimizer(objective, options.LearningRate);

        // As the trainer makes them (rows referenced in place on the CPU), or copying every row into its batch.
        IBatchSource Source(int prefetch, bool copyRows = false) => FirstBatches.Of(new DataViewBatchSource(input, prepared.Binding, options.LabelColumnName,
            batchSize, shuffleSeed: 1, skipUnknownAnswers: true, options.VideoIdColumnName)
            { PrefetchBatches = prefetch, ReferenceVisualRows = !copyRows && prepared.Binding.AnswererReferencesVisualRows(device) }, batchLimit);
        var serial = Source(0);
        var prefetched = Source(1);
        var prefetchedCopying = Source(1, copyRows: true);
        int batches = 0, questions = 0;
        foreach (var batch in Source(0).ReadEpoch(0)) (batches, questions) = (batches + 1, questions + batch.Count);
        // Copied while the pass that filled it is still open: a batch's rows are undefined once it is handed back.
        var held = Source(0).ReadEpoch(0).Select(first => new HeldBatch(first, batches)).First();

        var cases = new (string Name, Action<int> Epoch)[]
        {
            ("network alone", epoch => TrainingLoop.RunEpoch(objective, optimizer, held, epoch, device, null, default)),
            ("full path, serial", epoch => TrainingLoop.RunEpoch(objective, optimizer, serial, epoch, device, null, default)),
            ("full path, prefetch 1", epoch => TrainingLoop.RunEpoch(objective, optimizer, prefetched, epoch, device, null, default)),
            ("full path, prefetch 1, rows copied", epoch => TrainingLoop.RunEpoch(objective, optimizer, prefetchedCopying, epoch, device, null, default)),
            ("reading alone", epoch => { foreach (var _ in serial.ReadEpoch(epoch)) { } }),
        };
        var seconds = cases.ToDictionary(c => c.Name, _ => new List<double>());
        var allocated = cases.ToDictionary(c => c.Name, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            // Each round starts with the next case, so that no case always follows the same one.
            foreach (var (name, epoch) in cases.Skip(round % cases.Length).Concat(cases.Take(round % cases.Length)))
            {
                long before = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                epoch(round + 1);
                seconds[name].Add(clock.Elapsed.TotalSeconds);
                allocated[name].Add((GC.GetTotalAllocatedBytes(precise: true) - before) / 1e6);
                Console.WriteLine($"round {round + 1}, {name}: {clock.Elapsed.TotalSeconds:F2} s");
            }
        }
        memory.Sample();
        double Median(List<double> values) { var later = values.Skip(rounds > 1 ? 1 : 0).Order().ToList(); return later[later.Count / 2]; }
        double network = Median(seconds["network alone"]);
        var rows = cases.Select(c => new
        {
            name = c.Name,
            epochSeconds = seconds[c.Name].Select(s => Math.Round(s, 2)).ToArray(),
            medianEpochSeconds = Math.Round(Median(seconds[c.Name]), 2),
            questionsPerSecond = Math.Round(questions / Median(seconds[c.Name]), 1),
            shareOfNetworkRate = Math.Round(network / Median(seconds[c.Name]), 3),
            managedMegabytesAllocatedPerEpoch = Math.Round(Median(allocated[c.Name]), 1),
        }).ToArray();
        var result = new
        {
            benchmark = "datapath",
            shape = FeatureShape.MusicAvqa.ToString(),
            data = existingData is null ? "written by the benchmark" : "given (--data)",
            videos = existingData is null ? videos : (int?)null,
            questions,
            batchLimit,
            batchSize,
            batchesPerEpoch = batches,
            compression = existingData is null ? compression.ToString() : "as the given dataset was written",
            rounds,
            cases = rows,
            peakRssGb = Math.Round(memory.PeakRssBytes / 1e9, 2),
            peakManagedGb = Math.Round(memory.PeakManagedBytes / 1e9, 2),
            torchThreads = torch.get_num_threads(),
            openMpWaitPolicy = Microsoft.ML.MissingModality.Internal.Native.OpenMpWaitPolicy.Outcome.ToString(),
            machine = BenchResults.Machine,
        };
        Console.WriteLine(BenchResults.WriteJson(resultsPath, result));
        if (existingData is null) Directory.Delete(workDirectory, recursive: true);
    }

    // The first N batches of each epoch (all of them without a limit): a partial epoch of a large dataset.
    private sealed class FirstBatches(IBatchSource source, int limit) : IBatchSource
    {
        public static IBatchSource Of(IBatchSource source, int? limit) => limit is int n ? new FirstBatches(source, n) : source;

        public IEnumerable<TrainingBatch> ReadEpoch(int epoch) => source.ReadEpoch(epoch).Take(limit);
    }

    // The same filled batch, yielded as many times as an epoch has batches: the network's cost without the data's.
    private sealed class HeldBatch(TrainingBatch batch, int count) : IBatchSource
    {
        private readonly TrainingBatch _batch = Copy(batch);

        public IEnumerable<TrainingBatch> ReadEpoch(int epoch) => Enumerable.Repeat(_batch, count);

        // The source reuses its batch objects: keep a copy of the first batch of its own.
        private static TrainingBatch Copy(TrainingBatch b)
        {
            var copy = new TrainingBatch(b.Capacity, b.AudioLength, b.VisualLength, b.QuestionLength, b.Tokens is not null) { Count = b.Count };
            b.Audio.CopyTo(copy.Audio, 0);
            b.Visual.CopyTo(copy.Visual, 0);
            b.Tokens?.CopyTo(copy.Tokens!, 0);
            b.QuestionVector?.CopyTo(copy.QuestionVector!, 0);
            b.Labels.CopyTo(copy.Labels, 0);
            b.VideoKeys.CopyTo(copy.VideoKeys, 0);
            b.AudioMissing.CopyTo(copy.AudioMissing, 0);
            b.VisualMissing.CopyTo(copy.VisualMissing, 0);
            return copy;
        }
    }
}
