using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Modeling;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Bench;

/// <summary>
/// The library's AVST against a same-architecture PyTorch twin (bench/pytorch/avst_twin.py) on the same machine in
/// the same run. Both sides build AVST with the library's defaults at MUSIC-AVQA's shapes on the CPU and time four
/// cases on random in-memory inputs: a training step at batch 64 and at batch 4 (the library's own step:
/// <see cref="TrainingLoop.RunEpoch"/> over a one-batch source — <see cref="AvstObjective.TrainStep(TrainingBatch, Device)"/>,
/// zero_grad, backward, Adam step, in a dispose scope) and inference at batch 64 and at batch 1 (eval mode, no_grad,
/// softmax, argmax, as <c>AvqaBatchScorer</c>); also the Adam step alone (after one batch-4 step's gradients) and the
/// spatial grounding's forward alone at batch 64, each with the library's pre-change path beside it. Rounds alternate: each round runs the library's cases, then the
/// twin's as a subprocess, or the other order on odd rounds, so that drift on a shared machine hits both. Reports per
/// case the median seconds of each side over all rounds, the ratio library / PyTorch, both peak resident sets and both
/// parameter counts. Without /usr/bin/python3 and torch only the library side is reported.
/// </summary>
internal static class PeerBenchmark
{
    private enum Mode { Train, Infer, Adam, AdamOperations, Ground, GroundBefore }

    // The "-ops" and "-before" cases run on the library's side only: the code paths this benchmark's optimizer and
    // grounding changes replaced (libtorch's operations per parameter; the squared copy, the separate mean), kept here
    // so that before and after are measured in one run.
    private static readonly (string Name, Mode Mode, int Batch, bool OnPeer)[] KnownCases =
        [("train64", Mode.Train, 64, true), ("train4", Mode.Train, 4, true), ("infer64", Mode.Infer, 64, true), ("infer1", Mode.Infer, 1, true),
         ("adam4", Mode.Adam, 4, true), ("adam4-ops", Mode.AdamOperations, 4, false),
         ("ground64", Mode.Ground, 64, true), ("ground64-before", Mode.GroundBefore, 64, false)];

    // MUSIC-AVQA: 14 padded word ids over 92 words + <pad> (AvstConfig's documented vocabulary), 42 answers.
    private const int Vocabulary = 93;
    private const int Answers = 42;
    private const int Seed = 1;

    public static int Run(string[] caseNames, int repeats, int warmup, int rounds, int threads, string python, string? script, string resultsPath)
    {
        var cases = caseNames.Select(n => KnownCases.FirstOrDefault(known => known.Name == n) is { Name: not null } found ? found
            : throw new ArgumentException($"Unknown case '{n}'; known: {string.Join(",", KnownCases.Select(k => k.Name))}.")).ToArray();
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        torch.set_num_threads(threads);

        // The answerer as AvqaTrainer.Prepare and CreateObjective build it, from a binding with MUSIC-AVQA's shapes.
        var options = new AvqaTrainerOptions();
        var shape = FeatureShape.MusicAvqa;
        var binding = new FeatureBinding(options.AudioColumnName, options.VisualColumnName, options.QuestionColumnName,
            options.AudioMissingColumnName, options.VisualMissingColumnName, shape.Segments, shape.AudioDim,
            shape.VisualChannels, shape.VisualPositions, QuestionIsTokens: true, options.MaxQuestionTokens, Vocabulary);
        var config = binding.ToAvstConfig(options.HiddenSize, options.Dropout, options.MatchingLossWeight, Answers);
        AvstNetwork network;
        using (var initialization = new Generator(Seed))
            network = new AvstNetwork(config, initialization);
        using var objective = new AvstObjective(network, Seed, options.RecalledPairLossWeight);
        network.to(CPU);
        using var optimizer = TrainingLoop.CreateOptimizer(objective, options.LearningRate);
        using var unfusedOptimizer = new HeldScalarAdam([new(network.parameters(), lr: options.LearningRate)], options.LearningRate) { Fuse = false };
        long parameters = network.parameters().Sum(p => p.numel());
        var parametersByModule = network.named_children().ToDictionary(c => c.name, c => c.module.parameters().Sum(p => p.numel()));
        Console.WriteLine($"library AVST: {parameters:N0} parameters ({string.Join(", ", parametersByModule.Select(kv => $"{kv.Key} {kv.Value:N0}"))})");

        var batches = cases.Select(c => c.Batch).Distinct().ToDictionary(b => b, b => RandomBatch(b, binding, Seed + b));
        double inputsPeakMiB = MiB(MemorySampler.HighWaterMarkBytes());

        var peer = FindPeer(python, script);
        if (peer.Script is null)
            Console.WriteLine($"PyTorch peer not found: {peer.Reason}. Reporting the library side only.");
        else
            Console.WriteLine($"PyTorch peer: {python} {peer.Script}, {peer.Parameters:N0} parameters{(peer.Parameters == parameters ? " (same as the library)" : " — NOT the library's count")}");

        var librarySeconds = cases.ToDictionary(c => c.Name, _ => new List<double>());
        var peerSeconds = cases.ToDictionary(c => c.Name, _ => new List<double>());
        var libraryRoundMedians = cases.ToDictionary(c => c.Name, _ => new List<double>());
        var peerRoundMedians = cases.ToDictionary(c => c.Name, _ => new List<double>());
        JsonNode? peerReport = null;
        double peerPeakMiB = 0;
        for (int round = 0; round < rounds; round++)
        {
            bool libraryFirst = round % 2 == 0;
            for (int half = 0; half < 2; half++)
            {
                if ((half == 0) == libraryFirst)
                {
                    foreach (var c in cases)
                    {
                        var batch = batches[c.Batch];
                        Action step = c.Mode switch
                        {
                            Mode.Train => () => TrainingLoop.RunEpoch(objective, optimizer, new OneBatch(batch), round + 1, CPU, null, default),
                            Mode.Infer => () => Infer(network, batch),
                            Mode.Adam => OptimizerStep(objective, optimizer, batch),
                            Mode.AdamOperations => OptimizerStep(objective, unfusedOptimizer, batch),
                            _ => Grounding(batch, config, before: c.Mode == Mode.GroundBefore),
                        };
                        var seconds = Time(step, warmup, repeats);
                        librarySeconds[c.Name].AddRange(seconds);
                        libraryRoundMedians[c.Name].Add(Median(seconds));
                        Console.WriteLine($"round {round + 1}, library {c.Name}: median {Median(seconds):F4} s ({string.Join(", ", seconds.Select(s => s.ToString("F4", CultureInfo.InvariantCulture)))})");
                    }
                }
                else if (peer.Script is not null)
                {
                    var report = RunPeer(python, peer.Script, cases.Where(c => c.OnPeer).Select(c => c.Name).ToArray(), repeats, warmup, threads);
                    peerReport = report;
                    peerPeakMiB = Math.Max(peerPeakMiB, report["peakRssMiB"]!.GetValue<double>());
                    foreach (var c in cases.Where(c => c.OnPeer))
                    {
                        var seconds = report["cases"]![c.Name]!["seconds"]!.AsArray().Select(s => s!.GetValue<double>()).ToList();
                        peerSeconds[c.Name].AddRange(seconds);
                        peerRoundMedians[c.Name].Add(Median(seconds));
                        Console.WriteLine($"round {round + 1}, PyTorch {c.Name}: median {Median(seconds):F4} s ({string.Join(", ", seconds.Select(s => s.ToString("F4", CultureInfo.InvariantCulture)))})");
                    }
                }
            }
        }
        double libraryPeakMiB = MiB(MemorySampler.HighWaterMarkBytes());

        var rows = cases.Select(c =>
        {
            double library = Median(librarySeconds[c.Name]);
            double? pytorch = peerSeconds[c.Name].Count > 0 ? Median(peerSeconds[c.Name]) : null;
            return new
            {
                name = c.Name,
                mode = c.Mode switch
                {
                    Mode.Train => "train step",
                    Mode.Infer => "inference",
                    Mode.Adam => "Adam step alone (fused on the library's side)",
                    Mode.AdamOperations => "Adam step alone, libtorch operations per parameter (before the fused update)",
                    Mode.Ground => "spatial grounding forward, no_grad",
                    _ => "spatial grounding forward, no_grad, before (squared copy, separate mean)",
                },
                batch = c.Batch,
                libraryMedianSeconds = Math.Round(library, 4),
                pytorchMedianSeconds = pytorch is { } p ? Math.Round(p, 4) : (double?)null,
                ratioLibraryOverPytorch = pytorch is { } q ? Math.Round(library / q, 3) : (double?)null,
                libraryRoundMedians = libraryRoundMedians[c.Name].Select(s => Math.Round(s, 4)).ToArray(),
                pytorchRoundMedians = peerRoundMedians[c.Name].Select(s => Math.Round(s, 4)).ToArray(),
                librarySeconds = librarySeconds[c.Name].Select(s => Math.Round(s, 4)).ToArray(),
                pytorchSeconds = peerSeconds[c.Name].Select(s => Math.Round(s, 4)).ToArray(),
            };
        }).ToArray();
        foreach (var row in rows)
            Console.WriteLine($"{row.name,-8} library {row.libraryMedianSeconds,8:F4} s   PyTorch {(row.pytorchMedianSeconds is { } p ? p.ToString("F4", CultureInfo.InvariantCulture) : "—"),8} s   library/PyTorch {(row.ratioLibraryOverPytorch is { } r ? r.ToString("F3", CultureInfo.InvariantCulture) : "—")}");

        var result = new
        {
            benchmark = "peer",
            device = "cpu",
            shape = shape.ToString(),
            model = $"AVST, hidden {config.HiddenSize}, {config.AttentionHeads} heads, feed-forward {config.FeedForwardWidth}, dropout {config.Dropout}, vocabulary {config.VocabularySize}, {config.MaxQuestionTokens} tokens, {config.AnswerCount} answers, matching-loss weight {config.MatchingLossWeight}; Adam lr {options.LearningRate}",
            cases = rows,
            repeats,
            warmup,
            rounds,
            threads,
            // OpenMP's wait policy matters on a shared machine: with other work on the cores, active (spinning) waits
            // can slow small steps many times over. The child inherits these, so both sides run under the same ones.
            environment = new[] { "OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "MKL_NUM_THREADS", "KMP_BLOCKTIME" }
                .Where(v => Environment.GetEnvironmentVariable(v) is not null).ToDictionary(v => v, v => Environment.GetEnvironmentVariable(v)),
            library = new
            {
                torchSharp = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                    ?? typeof(torch).Assembly.GetName().Version?.ToString(),
                torchThreads = torch.get_num_threads(),
                nativeLibraries = NativeLibraries(),
                parameters,
                parametersByModule,
                peakRssMiB = libraryPeakMiB,
                peakRssMiBWithInputsOnly = inputsPeakMiB,
            },
            pytorch = peer.Script is null
                ? (object)new { found = false, reason = peer.Reason }
                : new
                {
                    found = true,
                    python,
                    script = peer.Script is null ? null : Path.GetRelativePath(Environment.CurrentDirectory, peer.Script),
                    torch = peerReport?["torch"]?.GetValue<string>(),
                    torchThreads = peerReport?["threads"]?.GetValue<int>(),
                    nativeLibraries = peerReport?["blas"],
                    parameters = peer.Parameters,
                    parametersByModule = peer.ParametersByModule,
                    peakRssMiB = peerPeakMiB,
                },
            parametersMatch = peer.Script is null ? (bool?)null : peer.Parameters == parameters,
            machine = BenchResults.Machine,
        };
        Console.WriteLine(BenchResults.WriteJson(resultsPath, result));
        return 0;
    }

    // Random inputs at MUSIC-AVQA's shapes: audio N(0, 1), visual maps U[0, 1) (non-negative, like ResNet
    // activations), 14 word ids in 1..92, answers in 0..41, every row its own video (so every row has a negative).
    private static TrainingBatch RandomBatch(int size, FeatureBinding binding, int seed)
    {
        var batch = new TrainingBatch(size, binding.AudioLength, binding.VisualLength, binding.QuestionLength, questionIsTokens: true) { Count = size };
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        randn([size, binding.AudioLength], generator: generator).data<float>().CopyTo(batch.Audio);
        rand([size, binding.VisualLength], generator: generator).data<float>().CopyTo(batch.Visual);
        randint(1, Vocabulary, [size, binding.QuestionLength], dtype: int64, generator: generator).data<long>().CopyTo(batch.Tokens!);
        randint(0, Answers, [size], dtype: int64, generator: generator).data<long>().CopyTo(batch.Labels);
        for (int i = 0; i < size; i++)
            batch.VideoKeys[i] = i;
        return batch;
    }

    // One scoring pass as AvqaBatchScorer.Score does it, the probabilities and predictions copied out.
    private static void Infer(AvstNetwork network, TrainingBatch batch)
    {
        network.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var output = network.forward(BatchTensors.Inputs(batch, network.Config, CPU));
        var probabilities = nn.functional.softmax(output.Logits, 1).cpu();
        var copied = new float[probabilities.numel()];
        probabilities.data<float>().CopyTo(copied);
        _ = probabilities.argmax(1).data<long>().ToArray();
    }

    // The optimizer step alone: the gradients of one training step on the batch, then only optimizer.step() is timed.
    private static Action OptimizerStep(AvstObjective objective, optim.Optimizer optimizer, TrainingBatch batch)
    {
        objective.Network.train();
        using (var scope = NewDisposeScope())
        {
            var result = objective.TrainStep(batch, CPU);
            optimizer.zero_grad();
            result.Loss!.backward();
        }
        return () => optimizer.step();
    }

    // AVST's spatial grounding alone at the batch's shapes (random audio features, the batch's maps), under no_grad;
    // `before` runs the formulation this change replaced: a squared copy of the map for the norms and a separate mean.
    private static Action Grounding(TrainingBatch batch, AvstConfig config, bool before)
    {
        int hidden = config.HiddenSize;
        var grounding = new SpatialGrounding(config.VisualChannels, hidden);
        var combine = nn.Linear(2L * hidden, hidden);
        var audio = randn(batch.Count, config.Segments, hidden);
        var visual = BatchTensors.Inputs(batch, config, CPU).Visual;
        return () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            if (!before)
            {
                grounding.forward(audio, visual);
                return;
            }
            var global = visual.mean([-1]);
            var norms = visual.mul(visual).sum([-2]).sqrt_().clamp_min(NormFloor);
            var query = nn.functional.normalize(audio, p: 2, dim: -1).unsqueeze(-2);
            var weights = (query.matmul(visual).squeeze(-2).div(norms)).softmax(-1);
            var attended = visual.matmul(weights.div(norms).unsqueeze(-1)).squeeze(-1);
            combine.forward(cat([global, attended], -1).tanh());
        };
    }

    private static readonly Scalar NormFloor = 1e-12;

    private static List<double> Time(Action step, int warmup, int repeats)
    {
        for (int i = 0; i < warmup; i++)
            step();
        var seconds = new List<double>(repeats);
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            step();
            seconds.Add(clock.Elapsed.TotalSeconds);
        }
        return seconds;
    }

    private sealed record Peer(string? Script, string? Reason, long Parameters = 0, JsonNode? ParametersByModule = null);

    // The twin is usable when the script exists and `python script --params-only` runs (python present, torch importable).
    private static Peer FindPeer(string python, string? script)
    {
        script ??= LocateScript();
        if (script is null || !File.Exists(script))
            return new Peer(null, $"bench/pytorch/avst_twin.py not found{(script is null ? "" : $" at {script}")}");
        if (!File.Exists(python))
            return new Peer(null, $"{python} not found (apt-get install python3-torch)");
        var (exit, stdout, stderr) = Exec(python, [script, "--params-only"], TimeSpan.FromMinutes(2));
        if (exit != 0)
            return new Peer(null, $"{python} {script} --params-only exited with {exit}: {LastLine(stderr)} (apt-get install python3-torch)");
        var counts = JsonNode.Parse(stdout)!;
        return new Peer(Path.GetFullPath(script), null, counts["parameters"]!.GetValue<long>(), counts["parametersByModule"]);
    }

    private static JsonNode RunPeer(string python, string script, string[] cases, int repeats, int warmup, int threads)
    {
        var (exit, stdout, stderr) = Exec(python,
            [script, "--cases", string.Join(",", cases), "--repeats", repeats.ToString(CultureInfo.InvariantCulture),
             "--warmup", warmup.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture),
             "--seed", Seed.ToString(CultureInfo.InvariantCulture)],
            TimeSpan.FromHours(6));
        if (exit != 0)
            throw new InvalidOperationException($"The PyTorch twin exited with {exit}: {stderr}");
        return JsonNode.Parse(stdout)!;
    }

    private const string OpenMpOpenBlas = "/usr/lib/x86_64-linux-gnu/openblas-openmp";

    private static (int Exit, string Stdout, string Stderr) Exec(string file, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Debian's python3-torch uses the system BLAS, by default the reference one (~6 GFLOP/s); the OpenMP OpenBLAS
        // (apt-get install libopenblas0-openmp) matches libtorch's MKL when put first on the library path.
        if (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") is null && Directory.Exists(OpenMpOpenBlas))
            start.Environment["LD_LIBRARY_PATH"] = OpenMpOpenBlas;
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "", $"timed out after {timeout}");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    // From the working directory (the repository root, as the other modes assume), else upwards from the binary.
    private static string? LocateScript()
    {
        string relative = Path.Combine("bench", "pytorch", "avst_twin.py");
        if (File.Exists(relative))
            return relative;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    // The BLAS, OpenMP and libtorch libraries mapped into this process (libtorch's NuGet build links MKL statically).
    private static string[] NativeLibraries() => !File.Exists("/proc/self/maps") ? []
        : File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length >= 6)
            .Select(f => f[^1]).Where(p => p.StartsWith('/') && Path.GetFileName(p) is var name && name.StartsWith("lib", StringComparison.Ordinal)
                && name.Contains(".so", StringComparison.Ordinal) && new[] { "blas", "lapack", "mkl", "omp", "torch_cpu" }.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase)))
            .Select(Path.GetFileName).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToArray(); // names only: a results file names no folder of this machine

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    private static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double MiB(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);

    // The same batch, once per epoch: RunEpoch then runs exactly one training step.
    private sealed class OneBatch(TrainingBatch batch) : IBatchSource
    {
        public IEnumerable<TrainingBatch> ReadEpoch(int epoch) => [batch];
    }
}
