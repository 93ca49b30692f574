using System.CommandLine;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Cli.Recipes;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Joint;

namespace Microsoft.ML.MissingModality.Cli.Commands;

/// <summary>
/// <c>avqa train --data DIR --out MODEL.zip [--recall zero|mean|nearest|linear|rmm] [--slots L] [--enhance avr|none]
/// [--diffusion-steps T] [--start-step S] [--diffusion-target noise|velocity] [--training staged|joint] [--joint-preset avst|paper] [--epochs N] [--seed S]
/// [--device auto|cpu|cuda] [--checkpoint DIR]</c>: fits the chosen recaller (none for <c>zero</c>: AVST alone) and trains the AVST answerer
/// on the dataset's train split (Eq. 8 with a recaller), validating on its val split (best epoch kept), and saves the
/// fitted pipeline as an ML.NET model zip. <c>--training joint</c> trains the RMM generator, the AVR diffusion and the
/// answerer at once on the paper's total loss instead of one after another. <c>--checkpoint DIR</c> writes a checkpoint
/// of every component after each epoch and resumes from the last one when run again. Epoch lines go to stderr.
/// </summary>
public static class TrainCommand
{
    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create(CliContext context)
    {
        var defaults = new AvqaTrainerOptions();
        var data = new Option<string>("--data") { Description = "Dataset directory (with dataset.json).", Required = true };
        var output = new Option<string>("--out") { Description = "Model zip to write (must not exist unless --overwrite).", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training split.", DefaultValueFactory = _ => defaults.Epochs }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "Seed of initialisation, shuffling and dropout.", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "auto (GPU 0 if present), cpu, or cuda (GPU 0, else fail).", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong(DeviceChoice.Names);
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per step: AVST's 64 by default; the paper trains its method at 4, which on a few thousand training questions trains far better (docs/results.md).", DefaultValueFactory = _ => defaults.BatchSize }.AtLeast(1);
        var learningRate = new Option<double>("--learning-rate") { Description = "Adam's initial learning rate.", DefaultValueFactory = _ => defaults.LearningRate }.PositiveFinite();
        var stepEpochs = new Option<int>("--lr-step-epochs") { Description = "Multiply the learning rate by 0.1 every this many epochs.", DefaultValueFactory = _ => defaults.LearningRateStepEpochs }.AtLeast(1);
        var hidden = new Option<int>("--hidden-size") { Description = "Width of the hidden features.", DefaultValueFactory = _ => defaults.HiddenSize }.AtLeast(4);
        var patience = new Option<int?>("--early-stopping") { Description = "Stop after this many epochs without a better validation accuracy." }.AtLeast(1);
        var prefetch = new Option<int>("--prefetch") { Description = "Batches read ahead on another thread while the network trains (each costs one batch of memory, at most 512 MiB in all); 0 reads on the training thread.", DefaultValueFactory = _ => defaults.PrefetchBatches }.AtLeast(0);
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing model file." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Folder for a checkpoint after every epoch; running the same command again resumes from the last one (same final model as an uninterrupted run)." };
        var recall = new Option<string>("--recall") { Description = "Recaller before the answerer: zero (AVST alone), mean, nearest, linear, or rmm (the paper's generator).", DefaultValueFactory = _ => "rmm" };
        recall.AcceptOnlyFromAmong(RecallChoice.Names);
        var rmmDefaults = new Microsoft.ML.MissingModality.Rmm.RmmGeneratorOptions();
        var slots = new Option<int>("--slots") { Description = "Slots per memory of the RMM generator.", DefaultValueFactory = _ => rmmDefaults.Slots }.AtLeast(1);
        var addressing = new Option<string>("--addressing") { Description = "RMM slot addressing: scaled-dot (the paper's Eq. 1) or cosine (its public code).", DefaultValueFactory = _ => AddressingName(rmmDefaults.Addressing) };
        addressing.AcceptOnlyFromAmong("scaled-dot", "cosine");
        var avrDefaults = new Microsoft.ML.MissingModality.Avr.AvrDiffusionOptions();
        var enhance = new Option<string>("--enhance") { Description = "Enhancement after the recaller: avr (the paper's diffusion) or none.", DefaultValueFactory = _ => "avr" };
        enhance.AcceptOnlyFromAmong("avr", "none");
        var diffusionSteps = new Option<int>("--diffusion-steps") { Description = "T, the AVR diffusion's steps.", DefaultValueFactory = _ => avrDefaults.DiffusionSteps }.AtLeast(1);
        var startStep = new Option<int>("--start-step") { Description = "S: enhancement noises the pair to step S and denoises it (0: no noise, all T steps).", DefaultValueFactory = _ => avrDefaults.StartStep }.AtLeast(0);
        var target = new Option<string>("--diffusion-target") { Description = "What the AVR denoiser learns to predict: noise (ε, the paper's Eq. 7) or velocity (v, its public code).", DefaultValueFactory = _ => avrDefaults.Prediction.ToString().ToLowerInvariant() };
        target.AcceptOnlyFromAmong("noise", "velocity");
        var componentEpochs = new Option<int?>("--component-epochs") { Description = $"Passes over the training split of the RMM generator and of the AVR diffusion (staged training); {rmmDefaults.Epochs} each by default." }.AtLeast(1);
        var training = new Option<string>("--training") { Description = "staged: the recaller, the diffusion and the answerer each on its own loss, one after another; joint: all three at once on the paper's total loss (needs --recall rmm).", DefaultValueFactory = _ => "staged" };
        training.AcceptOnlyFromAmong("staged", "joint");
        var jointPreset = new Option<string>("--joint-preset") { Description = "Schedule of --training joint: avst (batch 64) or paper (batch 4); Adam 1e-4 for all three networks either way. --batch-size and --learning-rate override it.", DefaultValueFactory = _ => "avst" };
        jointPreset.AcceptOnlyFromAmong("avst", "paper");
        var command = new System.CommandLine.Command("train", "Train the AVST answerer on a dataset's train split (validated on val) and save an ML.NET model zip.")
        {
            data, output, recall, slots, addressing, enhance, diffusionSteps, startStep, target, training, jointPreset, epochs, componentEpochs, seed, device, batchSize, learningRate, stepEpochs, hidden, patience, checkpoint, prefetch, overwrite,
        };
        command.SetAction(parse => Execute(parse));
        return command;

        int Execute(ParseResult parse)
        {
            string directory = parse.GetRequiredValue(data), modelPath = parse.GetRequiredValue(output);
            foreach (string output in new[] { modelPath, TrainingHistoryFiles.JsonPath(modelPath), TrainingHistoryFiles.ChartPath(modelPath) })
                ModelFiles.CheckWritable(output, "--out", parse.GetValue(overwrite));
            if (parse.GetValue(startStep) > parse.GetValue(diffusionSteps))
                throw new UsageException($"--start-step must lie in 0..{parse.GetValue(diffusionSteps)} (--diffusion-steps).");
            var mlContext = new MLContext(seed: parse.GetValue(seed));
            DeviceChoice.Apply(mlContext, parse.GetRequiredValue(device));
            var manifest = mlContext.Data.LoadAvqaManifest(directory);
            if (!manifest.Splits.ContainsKey("train"))
                throw new AvqaDataException(Path.Combine(directory, DatasetSchema.ManifestFileName), null, null, "the dataset has no 'train' split");
            var train = mlContext.Data.LoadFromAvqaDataset(directory, "train");
            var validation = manifest.Splits.ContainsKey("val") ? mlContext.Data.LoadFromAvqaDataset(directory, "val") : null;
            var bar = ProgressBar.ForStandardError(context.Error);
            var history = new TrainingHistoryFiles();
            var options = new AvqaTrainerOptions
            {
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                LearningRate = parse.GetValue(learningRate),
                LearningRateStepEpochs = parse.GetValue(stepEpochs),
                HiddenSize = parse.GetValue(hidden),
                EarlyStoppingPatience = parse.GetValue(patience),
                Seed = parse.GetValue(seed),
                CheckpointDirectory = parse.GetValue(checkpoint),
                PrefetchBatches = parse.GetValue(prefetch),
                Progress = report =>
                {
                    bar.Clear();
                    context.Error.WriteLine("  " + report);
                    history.Add(parse.GetRequiredValue(training) == "joint" ? "joint" : "answerer", report);
                },
                StepProgress = step => bar.Update($"epoch {step.Epoch}/{step.Epochs}", step.Step, step.StepsPerEpoch,
                    FormattableString.Invariant($"loss {step.Loss:F3}")),
            };
            bool joint = parse.GetRequiredValue(training) == "joint";
            string recallChoice = parse.GetRequiredValue(recall);
            if (joint && recallChoice != "rmm")
                throw new UsageException($"--training joint trains the RMM generator with the answerer: it needs --recall rmm, not '{recallChoice}'.");
            if (joint && parse.GetValue(componentEpochs) is not null)
                throw new UsageException("--component-epochs sets the staged form's first two stages; --training joint trains all three for --epochs.");
            context.Error.WriteLine($"Training on '{directory}' ({manifest.Splits["train"].Questions} train questions" +
                (validation is null ? ", no val split" : $", {manifest.Splits["val"].Questions} val") + $"), {options.Epochs} epochs, device {parse.GetValue(device)}.");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var rmmOptions = new Microsoft.ML.MissingModality.Rmm.RmmGeneratorOptions
            {
                Epochs = parse.GetValue(componentEpochs) ?? rmmDefaults.Epochs,
                Slots = parse.GetValue(slots),
                Addressing = parse.GetRequiredValue(addressing) == "cosine" ? SlotAddressing.Cosine : SlotAddressing.ScaledDot,
                Seed = parse.GetValue(seed),
                CheckpointDirectory = parse.GetValue(checkpoint),
                PrefetchBatches = parse.GetValue(prefetch),
                Progress = report => { context.Error.WriteLine("  rmm " + report); history.Add("rmm", report); },
            };
            var enhancer = parse.GetRequiredValue(enhance) == "none" ? null : new Microsoft.ML.MissingModality.Avr.AvrDiffusionOptions
            {
                Epochs = parse.GetValue(componentEpochs) ?? avrDefaults.Epochs,
                DiffusionSteps = parse.GetValue(diffusionSteps),
                StartStep = parse.GetValue(startStep),
                Prediction = Enum.Parse<DiffusionPrediction>(parse.GetRequiredValue(target), ignoreCase: true),
                Seed = parse.GetValue(seed),
                CheckpointDirectory = parse.GetValue(checkpoint),
                PrefetchBatches = parse.GetValue(prefetch),
                Progress = report => { context.Error.WriteLine("  avr " + report); history.Add("avr", report); },
            };
            ITransformer model;
            if (joint)
            {
                var jointOptions = parse.GetRequiredValue(jointPreset) == "paper" ? JointTrainerOptions.Paper() : JointTrainerOptions.AvstDefaults();
                jointOptions.Recall = rmmOptions;
                jointOptions.Diffusion = enhancer;
                jointOptions.Answerer = new AvqaTrainerOptions { HiddenSize = options.HiddenSize };
                jointOptions.Epochs = options.Epochs;
                jointOptions.LearningRateStepEpochs = options.LearningRateStepEpochs;
                jointOptions.EarlyStoppingPatience = options.EarlyStoppingPatience;
                jointOptions.Seed = options.Seed;
                jointOptions.CheckpointDirectory = options.CheckpointDirectory;
                jointOptions.PrefetchBatches = options.PrefetchBatches;
                jointOptions.Progress = options.Progress;
                jointOptions.StepProgress = options.StepProgress;
                if (parse.GetResult(batchSize) is { Implicit: false })
                    jointOptions.BatchSize = options.BatchSize;
                if (parse.GetResult(learningRate) is { Implicit: false })
                    jointOptions.LearningRate = options.LearningRate;
                context.Error.WriteLine($"Joint training ({parse.GetRequiredValue(jointPreset)} preset: batch {jointOptions.BatchSize}, Adam {jointOptions.LearningRate}): the RMM generator" +
                    (enhancer is null ? "" : $", the AVR diffusion ({Describe(enhancer)})") + " and the answerer on L_total = L_avqa + L_rmmr" + (enhancer is null ? "." : " + L_ave."));
                model = AvqaTrainingRecipe.FitJoint(mlContext, train, validation, jointOptions);
            }
            else
            {
                var recaller = RecallChoice.Create(mlContext, recallChoice, rmmOptions);
                // The paper's "AVR only": no recall model, so the diffusion enhances zero-filled recalls.
                recaller ??= enhancer is null ? null : mlContext.MissingModality().RecallBaseline(Microsoft.ML.MissingModality.Recall.RecallMethod.ZeroFill);
                context.Error.WriteLine(recaller is null ? "Recaller: none (AVST alone)." :
                    $"Recaller: {recallChoice}{(enhancer is null ? "" : $", then the AVR diffusion ({Describe(enhancer)})")}; the answerer trains on Eq. 8.");
                model = AvqaTrainingRecipe.Fit(mlContext, train, validation, options, recaller, enhancer);
            }
            ModelFiles.SaveAtomically(mlContext, model, train.Schema, modelPath, parse.GetValue(overwrite));
            var sideFiles = history.Write(modelPath, parse.GetValue(overwrite));
            context.Out.WriteLine($"Saved {modelPath} ({clock.Elapsed.TotalSeconds:F0} s); the per-epoch history in {string.Join(" and ", sideFiles.Select(Path.GetFileName))}.");
            return Program.Success;
        }
    }

    private static string Describe(Microsoft.ML.MissingModality.Avr.AvrDiffusionOptions enhancer) =>
        $"T = {enhancer.DiffusionSteps}, S = {enhancer.StartStep}, {(enhancer.Prediction == DiffusionPrediction.Velocity ? "v" : "ε")}-prediction";

    private static string AddressingName(SlotAddressing addressing) => addressing == SlotAddressing.Cosine ? "cosine" : "scaled-dot";
}
