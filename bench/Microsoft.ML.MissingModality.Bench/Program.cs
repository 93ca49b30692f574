using Microsoft.ML.MissingModality.Bench;

// Usage: dotnet run -c Release --project bench/Microsoft.ML.MissingModality.Bench -- store [--videos 256] [--repeats 3] [--videos-per-shard 32] [--work DIR] [--results FILE]
//        dotnet run -c Release --project bench/Microsoft.ML.MissingModality.Bench -- scoring [--repeats 3] [--work DIR] [--results FILE]
//        dotnet run -c Release --project bench/Microsoft.ML.MissingModality.Bench -- recall-study --data DIR [--recallers avst,zero,mean,nearest,linear,rmm,rmm-cos-product-L50] [--epochs 30] [--rmm-epochs 20] [--recall-only] [--enhance-sweep S1,S1-ddim-keep,S10-keep-c4] [--recalled-weight 1] [--batch-size 64] [--results FILE]  (a recaller NAME+avr[-S1][-T10][-ddim][-v][-keep][-c4] adds the AVR diffusion; joint[-paper][-stop][-stopavr][-lr0.001][-w0.1][-noavr] trains all three at once for --epochs)
//        dotnet run -c Release --project bench/Microsoft.ML.MissingModality.Bench -- avr [--videos 64] [--batch-sizes 4,64] [--start-step 1] [--prefetch 1] [--work DIR] [--results FILE]
//        dotnet run -c Release --project bench/Microsoft.ML.MissingModality.Bench -- training [--videos 64] [--epochs 3] [--device auto|cpu|cuda] [--work DIR] [--results FILE]
//        dotnet run -c Release --project bench/Microsoft.ML.MissingModality.Bench -- datapath [--videos 64] [--batch-size 64] [--rounds 4] [--work DIR] [--results FILE] [--data DIR --batches N]  (--data: an existing dataset's train split instead of --videos; --batches: the first N batches of each epoch)
//        dotnet run -c Release --project bench/Microsoft.ML.MissingModality.Bench -- peer [--cases train64,train4,infer64,infer1,adam4,adam4-ops,ground64,ground64-before] [--repeats 5] [--warmup 2] [--rounds 3] [--threads 2] [--python /usr/bin/python3] [--peer-script bench/pytorch/avst_twin.py] [--results FILE]  (the library's networks against their PyTorch twins, rounds alternating; the default cases are AVST's, and --cases may also name rmm-train64,rmm-train4,ave-train64,ave-train4,enhance1,enhance8 for the RMM generator and the AVR diffusion, whose twin bench/pytorch/rmm_avr_twin.py is read from --peer-script's folder)
var arguments = args.ToList();
string benchmark = arguments.Count > 0 ? arguments[0] : "";
string? Value(string name, string? fallback)
{
    int i = arguments.IndexOf(name);
    return i >= 0 && i + 1 < arguments.Count ? arguments[i + 1] : fallback;
}
switch (benchmark)
{
    case "store":
        StoreBenchmark.Run(
            videos: int.Parse(Value("--videos", "256")!),
            repeats: int.Parse(Value("--repeats", "3")!),
            videosPerShard: int.Parse(Value("--videos-per-shard", "32")!),
            workDirectory: Value("--work", Path.Combine(Path.GetTempPath(), "avqa-bench-store"))!,
            resultsPath: Value("--results", Path.Combine("bench", "results", "store.json"))!);
        return 0;
    case "scoring":
        ScoringBenchmark.Run(
            repeats: int.Parse(Value("--repeats", "3")!),
            workDirectory: Value("--work", Path.Combine(Path.GetTempPath(), "avqa-bench-scoring"))!,
            resultsPath: Value("--results", Path.Combine("bench", "results", "scoring.json"))!);
        return 0;
    case "training":
        TrainingBenchmark.Run(
            videos: int.Parse(Value("--videos", "64")!),
            epochs: int.Parse(Value("--epochs", "3")!),
            device: Value("--device", "auto")!,
            workDirectory: Value("--work", Path.Combine(Path.GetTempPath(), "avqa-bench-training"))!,
            resultsPath: Value("--results", Path.Combine("bench", "results", "training.json"))!);
        return 0;
    case "datapath":
        DataPathBenchmark.Run(
            videos: int.Parse(Value("--videos", "64")!),
            batchSize: int.Parse(Value("--batch-size", "64")!),
            rounds: int.Parse(Value("--rounds", "4")!),
            compression: Enum.Parse<Parquet.CompressionMethod>(Value("--compression", "snappy")!, ignoreCase: true),
            workDirectory: Value("--work", Path.Combine(Path.GetTempPath(), "avqa-bench-datapath"))!,
            resultsPath: Value("--results", Path.Combine("bench", "results", "datapath.json"))!,
            existingData: Value("--data", null),
            batchLimit: Value("--batches", null) is string limit ? int.Parse(limit) : null);
        return 0;
    case "peer":
        return PeerBenchmark.Run(
            caseNames: Value("--cases", "train64,train4,infer64,infer1,adam4,adam4-ops,ground64,ground64-before")!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            repeats: int.Parse(Value("--repeats", "5")!),
            warmup: int.Parse(Value("--warmup", "2")!),
            rounds: int.Parse(Value("--rounds", "3")!),
            threads: int.Parse(Value("--threads", "2")!),
            python: Value("--python", "/usr/bin/python3")!,
            script: Value("--peer-script", null),
            resultsPath: Value("--results", Path.Combine("bench", "results", "peer.json"))!);
    case "avr":
        AvrBenchmark.Run(
            videos: int.Parse(Value("--videos", "64")!),
            batchSizes: Value("--batch-sizes", "4,64")!.Split(',').Select(int.Parse).ToArray(),
            startStep: int.Parse(Value("--start-step", "1")!),
            prefetch: int.Parse(Value("--prefetch", "1")!),
            workDirectory: Value("--work", Path.Combine(Path.GetTempPath(), "mm-avr-bench"))!,
            resultsPath: Value("--results", Path.Combine("bench", "results", "avr.json"))!);
        return 0;
    case "recall-study":
        RecallStudy.Run(
            data: Value("--data", null) ?? throw new ArgumentException("--data DIR is required"),
            recallers: Value("--recallers", "avst,zero,mean,nearest,linear,rmm")!.Split(','),
            epochs: int.Parse(Value("--epochs", "30")!),
            rmmEpochs: int.Parse(Value("--rmm-epochs", "20")!),
            seed: int.Parse(Value("--seed", "1")!),
            recallOnly: arguments.Contains("--recall-only"),
            resultsPath: Value("--results", Path.Combine("bench", "results", "recall-study.md"))!,
            enhanceSweep: Value("--enhance-sweep", null)?.Split(','),
            recalledPairWeight: double.Parse(Value("--recalled-weight", "1")!, System.Globalization.CultureInfo.InvariantCulture),
            answererBatchSize: int.Parse(Value("--batch-size", "64")!));
        return 0;
    default:
        Console.Error.WriteLine("usage: Microsoft.ML.MissingModality.Bench store [--videos N] [--repeats R] [--videos-per-shard N] [--work DIR] [--results FILE]");
        Console.Error.WriteLine("       Microsoft.ML.MissingModality.Bench scoring [--repeats R] [--work DIR] [--results FILE]");
        Console.Error.WriteLine("       Microsoft.ML.MissingModality.Bench training [--videos N] [--epochs E] [--device auto|cpu|cuda] [--work DIR] [--results FILE]");
        Console.Error.WriteLine("       Microsoft.ML.MissingModality.Bench datapath [--videos N | --data DIR] [--batches N] [--batch-size B] [--rounds R] [--work DIR] [--results FILE]");
        Console.Error.WriteLine("       Microsoft.ML.MissingModality.Bench peer [--cases train64,train4,infer64,infer1,adam4,adam4-ops,ground64,ground64-before,rmm-train64,rmm-train4,ave-train64,ave-train4,enhance1,enhance8] [--repeats N] [--warmup W] [--rounds R] [--threads T] [--python PATH] [--peer-script FILE] [--results FILE]");
        return 2;
}
