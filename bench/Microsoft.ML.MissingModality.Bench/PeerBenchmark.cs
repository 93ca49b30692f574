using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Avr;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Diffusion;
using Microsoft.ML.MissingModality.Internal.Native;
using Microsoft.ML.MissingModality.Modeling;
using Microsoft.ML.MissingModality.Recall;
using Microsoft.ML.MissingModality.Rmm;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Bench;

/// <summary>
/// The library's networks against same-architecture PyTorch twins on the same machine in the same run: AVST against
/// bench/pytorch/avst_twin.py, the RMM generator and the AVR diffusion against bench/pytorch/rmm_avr_twin.py. Both
/// sides build each network with the library's defaults at MUSIC-AVQA's shapes on the CPU and time cases on random
/// in-memory inputs. AVST: a training step at batch 64 and at batch 4 (the library's own step:
/// <see cref="TrainingLoop.RunEpoch"/> over a one-batch source — <see cref="AvstObjective.TrainStep(TrainingBatch, Device)"/>,
/// zero_grad, backward, Adam step, in a dispose scope) and inference at batch 64 and at batch 1 (eval mode, no_grad,
/// softmax, argmax, as <c>AvqaBatchScorer</c>); also the Adam step alone (after one batch-4 step's gradients) and the
/// spatial grounding's forward alone at batch 64, each with the library's pre-change path beside it. RMM and AVR: a
/// training step at batch 64 and at batch 4 (RunEpoch with <see cref="RmmObjective"/>, which computes the RMMR loss
/// without recalling the maps, or <see cref="AveObjective"/>, which takes the batch in row chunks; the twin recalls the
/// maps and takes the batch whole), and AVR's enhancement of one row's and of eight rows'
/// two pairs (as <c>AvrBatchScorer</c>). Rounds alternate: each round runs the library's cases, then the twins' as
/// subprocesses (one per network), or the other order on odd rounds, so that drift on a shared machine hits both.
/// Reports per case the median seconds of each side over all rounds, the ratio library / PyTorch, the peak resident
/// sets and, per network, both parameter counts. Without /usr/bin/python3 and torch only the library side is reported.
/// </summary>
internal static class PeerBenchmark
{
    private enum Network { Avst, Rmm, Avr }

    private enum Mode { Train, Infer, Adam, AdamOperations, Ground, GroundBefore, Enhance }

    private sealed record Case(string Name, Network Network, Mode Mode, int Batch, bool OnPeer);

    // The "-ops" and "-before" cases run on the library's side only: the code paths this benchmark's optimizer and
    // grounding changes replaced (libtorch's operations per parameter; the squared copy, the separate mean), kept here
    // so that before and after are measured in one run. The twin names the other cases the same.
    private static readonly Case[] KnownCases =
        [new("train64", Network.Avst, Mode.Train, 64, true), new("train4", Network.Avst, Mode.Train, 4, true),
         new("infer64", Network.Avst, Mode.Infer, 64, true), new("infer1", Network.Avst, Mode.Infer, 1, true),
         new("adam4", Network.Avst, Mode.Adam, 4, true), new("adam4-ops", Network.Avst, Mode.AdamOperations, 4, false),
         new("ground64", Network.Avst, Mode.Ground, 64, true), new("ground64-before", Network.Avst, Mode.GroundBefore, 64, false),
         new("rmm-train64", Network.Rmm, Mode.Train, 64, true), new("rmm-train4", Network.Rmm, Mode.Train, 4, true),
         new("ave-train64", Network.Avr, Mode.Train, 64, true), new("ave-train4", Network.Avr, Mode.Train, 4, true),
         new("enhance1", Network.Avr, Mode.Enhance, 1, true), new("enhance8", Network.Avr, Mode.Enhance, 8, true)];

    private static string Label(Network network) => network switch { Network.Avst => "AVST", Network.Rmm => "RMM", _ => "AVR" };

    // Each network's twin in bench/pytorch (one script holds both RMM and AVR; it runs one network per process).
    private static string TwinScript(Network network) => network == Network.Avst ? "avst_twin.py" : "rmm_avr_twin.py";

    // MUSIC-AVQA: 14 padded word ids over 92 words + <pad> (AvstConfig's documented vocabulary), 42 answers.
    private const int Vocabulary = 93;
    private const int Answers = 42;
    private const int Seed = 1;

    public static int Run(string[] caseNames, int repeats, int warmup, int rounds, int threads, string python, string? script, string resultsPath)
    {
        var cases = caseNames.Select(n => KnownCases.FirstOrDefault(known => known.Name == n)
            ?? throw new ArgumentException($"Unknown case '{n}'; known: {string.Join(",", KnownCases.Select(k => k.Name))}.")).ToArray();
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        torch.set_num_threads(threads);

        // Batches as the answerer's binding reads them, at MUSIC-AVQA's shapes (the other networks read the same roles).
        var options = new AvqaTrainerOptions();
        var shape = FeatureShape.MusicAvqa;
        var binding = new FeatureBinding(options.AudioColumnName, options.VisualColumnName, options.QuestionColumnName,
            options.AudioMissingColumnName, options.VisualMissingColumnName, shape.Segments, shape.AudioDim,
            shape.VisualChannels, shape.VisualPositions, QuestionIsTokens: true, options.MaxQuestionTokens, Vocabulary);
        var batches = cases.GroupBy(c => c.Batch).ToDictionary(g => g.Key,
            g => RandomBatch(g.Key, binding, Seed + g.Key, recalled: g.Any(c => c.Mode == Mode.Enhance)));

        // Only the networks the cases time are built, so that the library's peak resident set is theirs.
        var networks = cases.Select(c => c.Network).Distinct().ToArray();
        var sides = networks.ToDictionary(n => n, n => n switch
        {
            Network.Avst => (ILibrarySide)new AvstSide(binding),
            Network.Rmm => new RmmSide(shape, batches[cases.Where(c => c.Network == n).Max(c => c.Batch)]),
            _ => new AvrSide(shape),
        });
        try
        {
            return Measure(cases, networks, sides, batches, shape, repeats, warmup, rounds, threads, python, script, resultsPath);
        }
        finally
        {
            foreach (var side in sides.Values)
                side.Dispose();
        }
    }

    private static int Measure(Case[] cases, Network[] networks, Dictionary<Network, ILibrarySide> sides, Dictionary<int, TrainingBatch> batches,
        FeatureShape shape, int repeats, int warmup, int rounds, int threads, string python, string? script, string resultsPath)
    {
        double inputsPeakMiB = MiB(MemorySampler.HighWaterMarkBytes());
        var peers = new Dictionary<Network, Peer>();
        foreach (var n in networks)
        {
            var side = sides[n];
            Console.WriteLine($"library {Label(n)}: {side.Parameters:N0} parameters ({string.Join(", ", side.ParametersByModule.Select(kv => $"{kv.Key} {kv.Value:N0}"))})");
            var peer = peers[n] = FindPeer(python, script, n, PeerCases(cases, n));
            if (peer.Script is null)
                Console.WriteLine($"PyTorch peer of {Label(n)} not found: {peer.Reason}. Reporting the library side only.");
            else
                Console.WriteLine($"PyTorch peer of {Label(n)}: {python} {peer.Script}, {peer.Parameters:N0} parameters{(peer.Parameters == side.Parameters ? " (same as the library)" : " — NOT the library's count")}");
        }

        var librarySeconds = cases.ToDictionary(c => c.Name, _ => new List<double>());
        var peerSeconds = cases.ToDictionary(c => c.Name, _ => new List<double>());
        var libraryRoundMedians = cases.ToDictionary(c => c.Name, _ => new List<double>());
        var peerRoundMedians = cases.ToDictionary(c => c.Name, _ => new List<double>());
        JsonNode? peerReport = null;
        var peerPeakMiB = networks.ToDictionary(n => n, _ => 0.0);
        for (int round = 0; round < rounds; round++)
        {
            bool libraryFirst = round % 2 == 0;
            for (int half = 0; half < 2; half++)
            {
                if ((half == 0) == libraryFirst)
                {
                    foreach (var c in cases)
                    {
                        var seconds = Time(sides[c.Network].Step(c, batches[c.Batch], round), warmup, repeats);
                        librarySeconds[c.Name].AddRange(seconds);
                        libraryRoundMedians[c.Name].Add(Median(seconds));
                        Console.WriteLine($"round {round + 1}, library {c.Name}: median {Median(seconds):F4} s ({string.Join(", ", seconds.Select(s => s.ToString("F4", CultureInfo.InvariantCulture)))})");
                    }
                    continue;
                }
                // One twin process per network, so that each reports its own network's peak resident set.
                foreach (var n in networks)
                {
                    var onPeer = cases.Where(c => c.Network == n && c.OnPeer).ToArray();
                    if (peers[n].Script is not { } peerScript || onPeer.Length == 0)
                        continue;
                    var report = RunPeer(python, peerScript, PeerCases(cases, n), repeats, warmup, threads);
                    peerReport = report;
                    peerPeakMiB[n] = Math.Max(peerPeakMiB[n], report["peakRssMiB"]!.GetValue<double>());
                    foreach (var c in onPeer)
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
                network = Label(c.Network),
                mode = c.Mode switch
                {
                    Mode.Train when c.Network == Network.Rmm => "train step (RMMR loss; the library through the slots' Gram matrix)",
                    Mode.Train when c.Network == Network.Avr => "train step (AVE loss; the library in row chunks)",
                    Mode.Train => "train step",
                    Mode.Infer => "inference",
                    Mode.Adam => "Adam step alone (fused on the library's side)",
                    Mode.AdamOperations => "Adam step alone, libtorch operations per parameter (before the fused update)",
                    Mode.Ground => "spatial grounding forward, no_grad",
                    Mode.GroundBefore => "spatial grounding forward, no_grad, before (squared copy, separate mean)",
                    _ => "enhancement of each row's two pairs, eval, no_grad",
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
            Console.WriteLine($"{row.name,-15} library {row.libraryMedianSeconds,8:F4} s   PyTorch {(row.pytorchMedianSeconds is { } p ? p.ToString("F4", CultureInfo.InvariantCulture) : "—"),8} s   library/PyTorch {(row.ratioLibraryOverPytorch is { } r ? r.ToString("F3", CultureInfo.InvariantCulture) : "—")}");

        var result = new
        {
            benchmark = "peer",
            device = "cpu",
            shape = shape.ToString(),
            model = string.Join(" | ", networks.Select(n => sides[n].Description)),
            cases = rows,
            repeats,
            warmup,
            rounds,
            threads,
            // OpenMP's wait policy matters on a shared machine: with other work on the cores, active (spinning) waits
            // can slow small steps many times over. The child inherits these, so both sides run under the same ones.
            environment = new[] { "OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "MKL_NUM_THREADS", "KMP_BLOCKTIME" }
                .Where(v => Environment.GetEnvironmentVariable(v) is not null).ToDictionary(v => v, v => Environment.GetEnvironmentVariable(v)),
            openMpWaitPolicy = OpenMpWaitPolicy.Outcome.ToString(), // SetPassive: the library set passive waiting itself
            library = new
            {
                torchSharp = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                    ?? typeof(torch).Assembly.GetName().Version?.ToString(),
                torchThreads = torch.get_num_threads(),
                nativeLibraries = NativeLibraries(),
                peakRssMiB = libraryPeakMiB,
                peakRssMiBWithInputsOnly = inputsPeakMiB,
            },
            pytorch = peers.Values.All(p => p.Script is null)
                ? (object)new { found = false, reason = string.Join("; ", peers.Values.Select(p => p.Reason)) }
                : new
                {
                    found = true,
                    python,
                    torch = peerReport?["torch"]?.GetValue<string>(),
                    torchThreads = peerReport?["threads"]?.GetValue<int>(),
                    nativeLibraries = peerReport?["blas"],
                    peakRssMiB = peerPeakMiB.Values.Max(),
                },
            // Per network: what was built, both parameter counts, the twin's script and its process's peak resident set.
            networks = networks.ToDictionary(Label, n => new
            {
                model = sides[n].Description,
                libraryParameters = sides[n].Parameters,
                libraryParametersByModule = sides[n].ParametersByModule,
                pytorch = peers[n].Script is not { } peerScript
                    ? (object)new { found = false, reason = peers[n].Reason }
                    : new
                    {
                        found = true,
                        script = Path.GetRelativePath(Environment.CurrentDirectory, peerScript),
                        parameters = peers[n].Parameters,
                        parametersByModule = peers[n].ParametersByModule,
                        peakRssMiB = peerPeakMiB[n],
                    },
                parametersMatch = peers[n].Script is null ? (bool?)null : peers[n].Parameters == sides[n].Parameters,
            }),
            parametersMatch = peers.Values.All(p => p.Script is null) ? (bool?)null
                : networks.All(n => peers[n].Script is null || peers[n].Parameters == sides[n].Parameters),
            machine = BenchResults.Machine,
        };
        Console.WriteLine(BenchResults.WriteJson(resultsPath, result));
        return 0;
    }

    // Random inputs at MUSIC-AVQA's shapes: audio N(0, 1), visual maps U[0, 1) (non-negative, like ResNet
    // activations), 14 word ids in 1..92, answers in 0..41, every row its own video (so every row has a negative);
    // with `recalled`, a recalled pair drawn alike (what the AVR diffusion enhances).
    private static TrainingBatch RandomBatch(int size, FeatureBinding binding, int seed, bool recalled)
    {
        var batch = new TrainingBatch(size, binding.AudioLength, binding.VisualLength, binding.QuestionLength, questionIsTokens: true, hasRecalled: recalled) { Count = size };
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        randn([size, binding.AudioLength], generator: generator).data<float>().CopyTo(batch.Audio);
        rand([size, binding.VisualLength], generator: generator).data<float>().CopyTo(batch.Visual);
        randint(1, Vocabulary, [size, binding.QuestionLength], dtype: int64, generator: generator).data<long>().CopyTo(batch.Tokens!);
        randint(0, Answers, [size], dtype: int64, generator: generator).data<long>().CopyTo(batch.Labels);
        for (int i = 0; i < size; i++)
            batch.VideoKeys[i] = i;
        if (recalled)
        {
            randn([size, binding.AudioLength], generator: generator).data<float>().CopyTo(batch.RecalledAudio!);
            rand([size, binding.VisualLength], generator: generator).data<float>().CopyTo(batch.RecalledVisual!);
        }
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
        BatchTensors.CopyTo(probabilities, copied);
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

    // The cases a network's twin runs (those it has), as its --cases argument.
    private static string[] PeerCases(Case[] cases, Network network) =>
        cases.Where(c => c.Network == network && c.OnPeer).Select(c => c.Name).ToArray();

    // A network's twin is usable when the script exists and `python script --params-only` runs (python present, torch
    // importable). `script` (--peer-script) names AVST's twin; the other twin is read from its folder.
    private static Peer FindPeer(string python, string? script, Network network, string[] cases)
    {
        string name = TwinScript(network);
        script = script is null ? LocateScript(name)
            : network == Network.Avst ? script : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(script))!, name);
        if (script is null || !File.Exists(script))
            return new Peer(null, $"bench/pytorch/{name} not found{(script is null ? "" : $" at {script}")}");
        if (!File.Exists(python))
            return new Peer(null, $"{python} not found (apt-get install python3-torch)");
        // The cases pick the network of a twin that holds two; avst_twin.py ignores them here.
        string[] arguments = cases.Length == 0 ? [script, "--params-only"] : [script, "--params-only", "--cases", string.Join(",", cases)];
        var (exit, stdout, stderr) = Exec(python, arguments, TimeSpan.FromMinutes(2));
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
        // The library set libgomp's passive waiting in the native environment, which a child does not inherit from
        // .NET's copy: pass it on, so that both sides wait alike.
        if (OpenMpWaitPolicy.Outcome == OpenMpWaitPolicyAction.SetPassive)
            start.Environment[OpenMpWaitPolicy.Variable] = OpenMpWaitPolicy.Passive;
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
    private static string? LocateScript(string fileName)
    {
        string relative = Path.Combine("bench", "pytorch", fileName);
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

    // One network of the library, built as its estimator builds it, and the timed action of each of its cases.
    private interface ILibrarySide : IDisposable
    {
        // The network and its options, for the results.
        string Description { get; }

        long Parameters { get; }

        // Per part: the first component of each parameter's name (the twins name their parts as the C# fields).
        Dictionary<string, long> ParametersByModule { get; }

        // What one timed run of the case does; whatever it prepares (gradients, output buffers) is done here, untimed.
        Action Step(Case c, TrainingBatch batch, int round);
    }

    private static long ParameterCount(nn.Module module) => module.parameters().Sum(p => p.numel());

    private static Dictionary<string, long> ByPart(nn.Module module) => module.named_parameters()
        .GroupBy(p => p.name.Split('.')[0]).ToDictionary(g => g.Key, g => g.Sum(p => p.parameter.numel()));

    // The answerer as AvqaTrainer.Prepare and CreateObjective build it.
    private sealed class AvstSide : ILibrarySide
    {
        private readonly AvstConfig _config;
        private readonly AvstNetwork _network;
        private readonly AvstObjective _objective;
        private readonly HeldScalarAdam _optimizer;
        private readonly HeldScalarAdam _unfusedOptimizer;

        public AvstSide(FeatureBinding binding)
        {
            var options = new AvqaTrainerOptions();
            _config = binding.ToAvstConfig(options.HiddenSize, options.Dropout, options.MatchingLossWeight, Answers);
            using (var initialization = new Generator(Seed))
                _network = new AvstNetwork(_config, initialization);
            _objective = new AvstObjective(_network, Seed, options.RecalledPairLossWeight);
            _network.to(CPU);
            _optimizer = TrainingLoop.CreateOptimizer(_objective, options.LearningRate);
            _unfusedOptimizer = new HeldScalarAdam([new(_network.parameters(), lr: options.LearningRate)], options.LearningRate) { Fuse = false };
            Description = $"AVST, hidden {_config.HiddenSize}, {_config.AttentionHeads} heads, feed-forward {_config.FeedForwardWidth}, dropout {_config.Dropout}, vocabulary {_config.VocabularySize}, {_config.MaxQuestionTokens} tokens, {_config.AnswerCount} answers, matching-loss weight {_config.MatchingLossWeight}; Adam lr {options.LearningRate}";
        }

        public string Description { get; }

        public long Parameters => ParameterCount(_network);

        public Dictionary<string, long> ParametersByModule => ByPart(_network);

        public Action Step(Case c, TrainingBatch batch, int round) => c.Mode switch
        {
            Mode.Train => () => TrainingLoop.RunEpoch(_objective, _optimizer, new OneBatch(batch), round + 1, CPU, null, default),
            Mode.Infer => () => Infer(_network, batch),
            Mode.Adam => OptimizerStep(_objective, _optimizer, batch),
            Mode.AdamOperations => OptimizerStep(_objective, _unfusedOptimizer, batch),
            Mode.Ground or Mode.GroundBefore => Grounding(batch, _config, before: c.Mode == Mode.GroundBefore),
            _ => throw new ArgumentOutOfRangeException(nameof(c), c.Name, "Not an AVST case."),
        };

        public void Dispose()
        {
            _unfusedOptimizer.Dispose();
            _optimizer.Dispose();
            _objective.Dispose();
        }
    }

    // The RMM generator as RmmGenerator.Prepare builds it with the options' defaults: its slots set from a batch of
    // complete rows, trained by RmmObjective (the whole batch at once, no map recalled) with the options' learning rate.
    private sealed class RmmSide : ILibrarySide
    {
        private readonly RmmNetwork _network;
        private readonly RmmObjective _objective;
        private readonly HeldScalarAdam _optimizer;

        public RmmSide(FeatureShape shape, TrainingBatch slotBatch)
        {
            var options = new RmmGeneratorOptions();
            var config = options.WithGeneratorSettings(new RecallModelConfig
            {
                Method = RecallMethod.Rmm,
                AudioDimensions = shape.AudioShape,
                VisualDimensions = shape.VisualShape,
            }) with { QuestionIsTokens = true, VocabularySize = Vocabulary };
            using (var initialization = new Generator(Seed))
                _network = new RmmNetwork(config.ToRmmConfig(), initialization);
            _network.to(CPU);
            using (var scope = NewDisposeScope())
            using (var generator = new Generator(Seed + 2))
            {
                var (audio, visual) = BatchTensors.Pair(slotBatch, _network.Config.Shape, CPU);
                _network.InitializeSlotsFromData(audio, visual, BatchTensors.Question(slotBatch, CPU), generator);
            }
            _objective = new RmmObjective(_network);
            _optimizer = TrainingLoop.CreateOptimizer(_objective, options.LearningRate);
            Description = $"RMM generator, {config.Slots} slots, {config.Addressing} addressing (scale {config.AddressingScale}{(config.LearnAddressingScale ? ", learned" : "")}), {config.Combination}, question hidden {config.QuestionHiddenSize}, vocabulary {Vocabulary}, {slotBatch.QuestionLength} tokens; RMMR loss through the slots' Gram matrix, whole batch; Adam lr {options.LearningRate}";
        }

        public string Description { get; }

        public long Parameters => ParameterCount(_network);

        public Dictionary<string, long> ParametersByModule => ByPart(_network);

        public Action Step(Case c, TrainingBatch batch, int round) => c.Mode == Mode.Train
            ? () => TrainingLoop.RunEpoch(_objective, _optimizer, new OneBatch(batch), round + 1, CPU, null, default)
            : throw new ArgumentOutOfRangeException(nameof(c), c.Name, "Not an RMM case.");

        public void Dispose() => _optimizer.Dispose();
    }

    // The AVR diffusion as AvrDiffusion.Prepare builds it with the options' defaults, its standardisation mean 0 and
    // standard deviation 1 (the twin's too), trained by AveObjective (rows in chunks) and enhancing as AvrBatchScorer.
    private sealed class AvrSide : ILibrarySide
    {
        private readonly AvrModelConfig _config;
        private readonly AvrNetwork _network;
        private readonly AudioVisualDiffusion _diffusion;
        private readonly AveObjective _objective;
        private readonly HeldScalarAdam _optimizer;
        private readonly Dictionary<int, float[][]> _outputs = [];

        public AvrSide(FeatureShape shape)
        {
            var options = new AvrDiffusionOptions();
            _config = options.ToModelConfig(shape.AudioShape, shape.VisualShape, noiseSeed: Seed);
            using (var initialization = new Generator(Seed))
                _network = new AvrNetwork(_config.ToNetworkConfig(), initialization);
            _network.to(CPU);
            using (var scope = NewDisposeScope())
                _network.SetStandardization((zeros(shape.AudioDim), ones(shape.AudioDim)), (zeros(shape.VisualChannels), ones(shape.VisualChannels)));
            _diffusion = new AudioVisualDiffusion(_network, _config.CreateScheduler(), _config.Prediction);
            _objective = new AveObjective(_diffusion, _config.Shape, Seed);
            _optimizer = TrainingLoop.CreateOptimizer(_objective, options.LearningRate);
            int chunk = RowChunks.Rows(int.MaxValue, _config.Shape.RowFloats);
            Description = $"AVR diffusion, width {_config.Width}, {_config.Blocks} blocks, T {_config.DiffusionSteps} ({_config.Schedule}), {_config.Prediction} prediction, {_config.Sampler} from S {_config.StartStep}, standardisation mean 0 / std 1; AVE loss in chunks of {chunk} rows; Adam lr {options.LearningRate}";
        }

        public string Description { get; }

        public long Parameters => ParameterCount(_network);

        public Dictionary<string, long> ParametersByModule => ByPart(_network.Denoiser);

        public Action Step(Case c, TrainingBatch batch, int round) => c.Mode switch
        {
            Mode.Train => () => TrainingLoop.RunEpoch(_objective, _optimizer, new OneBatch(batch), round + 1, CPU, null, default),
            Mode.Enhance => Enhance(batch),
            _ => throw new ArgumentOutOfRangeException(nameof(c), c.Name, "Not an AVR case."),
        };

        // Both pairs of every row, as AvrBatchScorer.Score does: (recalled audio, real maps), then (real audio,
        // recalled maps), into output arrays allocated once per batch size.
        private Action Enhance(TrainingBatch batch)
        {
            if (!_outputs.TryGetValue(batch.Count, out var outputs))
            {
                outputs = [new float[batch.Count * batch.AudioLength], new float[batch.Count * batch.VisualLength],
                           new float[batch.Count * batch.AudioLength], new float[batch.Count * batch.VisualLength]];
                _outputs[batch.Count] = outputs;
            }
            return () =>
            {
                _network.eval();
                EnhancePair(batch, batch.RecalledAudio!, batch.Visual, RealPart.Visual, 0, outputs[0], outputs[1]);
                EnhancePair(batch, batch.Audio, batch.RecalledVisual!, RealPart.Audio, 1, outputs[2], outputs[3]);
            };
        }

        // Each row's noise from its own generator. The scorer seeds it with a hash of the row's inputs (a managed
        // pass over ~1M floats per row and pair); here, as in the twin, a seed from the row and the pair instead.
        private void EnhancePair(TrainingBatch batch, float[] audioSource, float[] visualSource, RealPart real, int pair, float[] audioOutput, float[] visualOutput)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var shape = _config.Shape;
            int rows = batch.Count;
            var audio = BatchTensors.Rows(audioSource, rows, batch.AudioLength, CPU).view(rows, shape.Segments, shape.AudioDim);
            var visual = BatchTensors.Rows(visualSource, rows, batch.VisualLength, CPU).view(rows, shape.Segments, shape.VisualChannels, shape.VisualPositions);
            var generators = Enumerable.Range(0, rows).Select(row => new Generator((ulong)(Seed + 2 * row + pair))).ToArray();
            try
            {
                var (enhancedAudio, enhancedVisual) = _diffusion.Enhance(audio, visual, _config.Enhancement, real, generators);
                BatchTensors.CopyTo(enhancedAudio, audioOutput);
                BatchTensors.CopyTo(enhancedVisual, visualOutput);
            }
            finally
            {
                foreach (var generator in generators)
                    generator.Dispose();
            }
        }

        public void Dispose()
        {
            _optimizer.Dispose();
            _objective.Dispose();
        }
    }

    // The same batch, once per epoch: RunEpoch then runs exactly one training step.
    private sealed class OneBatch(TrainingBatch batch) : IBatchSource
    {
        public IEnumerable<TrainingBatch> ReadEpoch(int epoch) => [batch];
    }
}
