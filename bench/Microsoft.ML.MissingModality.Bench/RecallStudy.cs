using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Avr;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Evaluation;
using Microsoft.ML.MissingModality.Joint;
using Microsoft.ML.MissingModality.Recall;
using Microsoft.ML.MissingModality.Rmm;
using Microsoft.ML.MissingModality.Scenarios;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.MissingModality.Bench;

/// <summary>
/// The recall study behind docs/results-v3.md: for each recaller, its recall error on the test split (MSE and cosine
/// similarity to the real features, per modality, complete test rows) and, unless <c>--recall-only</c>, the accuracy
/// of an answerer trained after it (Eq. 8; AVST alone for <c>avst</c>) with complete inputs, audio missing and visual
/// missing, with the seconds each fit took. A <c>joint…</c> name trains the RMM generator, the AVR diffusion and the
/// answerer at once (<c>JointTrainer</c>, <c>epochs</c> epochs) instead of one after another.
/// </summary>
public static class RecallStudy
{
    public static void Run(string data, IReadOnlyList<string> recallers, int epochs, int rmmEpochs, int seed, bool recallOnly, string resultsPath,
        IReadOnlyList<string>? enhanceSweep = null, double recalledPairWeight = 1, int answererBatchSize = 64)
    {
        enhanceSweep ??= [];
        var context = new MLContext(seed: seed);
        context.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Info && (e.Source.Contains("RmmGenerator", StringComparison.Ordinal) || e.Source.Contains("AvqaTrainer", StringComparison.Ordinal))) Console.Error.WriteLine($"  {e.Message}"); };
        var train = context.Data.LoadFromAvqaDataset(data, "train");
        var validation = context.Data.LoadFromAvqaDataset(data, "val");
        var test = context.Data.LoadFromAvqaDataset(data, "test");
        var mm = context.MissingModality();
        var prep = mm.FeaturizeQuestion().Append(mm.MapAnswerToLabel()).Fit(train);
        var lines = new List<string>();
        var table = new List<(string, AvqaMetrics)>();
        var report = new StringBuilder();
        foreach (string name in recallers)
        {
            if (name.StartsWith("joint", StringComparison.Ordinal))
            {
                string jointLine = Joint(context, name, prep, train, validation, test, epochs, seed, table, lines);
                Console.WriteLine(jointLine);
                report.AppendLine(jointLine);
                Write(resultsPath, report, table, lines);
                continue;
            }
            var clock = Stopwatch.StartNew();
            ITransformer chain = prep;
            double recallSeconds = 0;
            string recallError = "";
            string[] parts = name.Split('+');              // recaller[+enhancer]
            if (Recaller(context, parts[0], rmmEpochs, seed) is { } recaller)
            {
                chain = prep.Append(recaller.Fit(prep.Transform(train)));
                recallSeconds = clock.Elapsed.TotalSeconds;
                recallError = RecallError(context, chain.Transform(test), "RecalledAudio", "RecalledVisual");
            }
            if (parts.Length > 1)
            {
                var avrClock = Stopwatch.StartNew();
                var avr = Enhancer(context, parts[1], rmmEpochs, seed, chain.Transform(validation)).Fit(chain.Transform(train));
                var recalledTest = chain.Transform(test);
                chain = chain.Append(avr);
                recallError += FormattableString.Invariant($"; AVR fit {avrClock.Elapsed.TotalSeconds:F1} s");
                foreach (string variant in enhanceSweep)
                {
                    var (start, sampler, keep, clamp) = EnhancementVariant(variant);
                    if (start > avr.DiffusionSteps) continue;
                    string sweepLine = $"  enhanced, {variant}" +
                        RecallError(context, avr.WithEnhancement(start, sampler, keep, clamp).Transform(recalledTest), "EnhancedRecalledAudio", "EnhancedRecalledVisual");
                    Console.WriteLine(sweepLine);
                    recallError += Environment.NewLine + sweepLine;
                }
            }
            string line = FormattableString.Invariant($"{name}: recall fit {recallSeconds:F1} s{recallError}");
            if (!recallOnly)
            {
                var answerClock = Stopwatch.StartNew();
                var answerer = mm.AvqaTrainer(new AvqaTrainerOptions
                {
                    Epochs = epochs, Seed = seed, ValidationSet = chain.Transform(validation), RecalledPairLossWeight = recalledPairWeight, BatchSize = answererBatchSize,
                    Progress = r => Console.Error.WriteLine($"  {name} answerer {r}"),
                }).Fit(chain.Transform(train));
                var model = chain.Append(answerer);
                double answerSeconds = answerClock.Elapsed.TotalSeconds;
                foreach (string scenario in new[] { "none", "audio", "visual" })
                {
                    var corrupted = mm.SimulateMissingModality(MissingModalityScenario.Parse(scenario), seed).Fit(test).Transform(test);
                    var metrics = mm.Evaluate(model.Transform(corrupted), AvqaColumns.Answer, AvqaTransformer.PredictedLabelColumnName);
                    table.Add(($"{name}, {(scenario == "none" ? "complete" : scenario + " missing")}", metrics));
                    lines.Add(metrics.ToJson($"{name}/{scenario}"));
                }
                line += FormattableString.Invariant($"; answerer {answerSeconds:F0} s ({answerSeconds / epochs:F1} s/epoch)");
            }
            Console.WriteLine(line);
            report.AppendLine(line);
            Write(resultsPath, report, table, lines);      // after every recaller, so a long study can be stopped
        }
        Console.Write(File.ReadAllText(resultsPath));
    }

    // joint[-paper][-stop][-stopavr][-lr<recall and diffusion rate>][-w<λ1 = λ2>][-noavr]: the three networks trained at once on L_total
    private static string Joint(MLContext context, string name, ITransformer prep, IDataView train, IDataView validation, IDataView test,
        int epochs, int seed, List<(string, AvqaMetrics)> table, List<string> lines)
    {
        var parts = name.Split('-').Skip(1).ToArray();
        var options = parts.Contains("paper") ? JointTrainerOptions.Paper() : JointTrainerOptions.AvstDefaults();
        options.Epochs = epochs;
        options.Seed = seed;
        options.ValidationSet = prep.Transform(validation);
        options.Progress = r => Console.Error.WriteLine($"  {name} {r}");
        foreach (string part in parts)
        {
            switch (part)
            {
                case "paper": break;
                case "stop": options.AnswerLossReachesRecall = false; options.AnswerLossReachesDiffusion = false; break;
                case "stopavr": options.AnswerLossReachesDiffusion = false; break;
                case "noavr": options.Diffusion = null; break;
                case var w when w.StartsWith('w'):
                    options.RecallLossWeight = options.DiffusionLossWeight = double.Parse(w[1..], CultureInfo.InvariantCulture);
                    break;
                case var lr when lr.StartsWith("lr", StringComparison.Ordinal):
                    options.RecallLearningRate = options.DiffusionLearningRate = double.Parse(lr[2..], CultureInfo.InvariantCulture);
                    break;
                default: throw new ArgumentException($"Unknown joint variant '{part}'.");
            }
        }
        var clock = Stopwatch.StartNew();
        var method = context.MissingModality().JointTrainer(options).Fit(prep.Transform(train));
        double seconds = clock.Elapsed.TotalSeconds;
        var model = prep.Append(method);
        var scored = model.Transform(test);
        string line = FormattableString.Invariant($"{name}: joint fit {seconds:F0} s ({seconds / epochs:F1} s/epoch)") +
            RecallError(context, scored, "RecalledAudio", "RecalledVisual").Replace("; test recall", "; test recall (RMM)", StringComparison.Ordinal);
        if (options.Diffusion is not null)
            line += RecallError(context, scored, "EnhancedRecalledAudio", "EnhancedRecalledVisual").Replace("; test recall", "; enhanced", StringComparison.Ordinal);
        var mm = context.MissingModality();
        foreach (string scenario in new[] { "none", "audio", "visual" })
        {
            var corrupted = mm.SimulateMissingModality(MissingModalityScenario.Parse(scenario), seed).Fit(test).Transform(test);
            var metrics = mm.Evaluate(model.Transform(corrupted), AvqaColumns.Answer, AvqaTransformer.PredictedLabelColumnName);
            table.Add(($"{name}, {(scenario == "none" ? "complete" : scenario + " missing")}", metrics));
            lines.Add(metrics.ToJson($"{name}/{scenario}"));
        }
        return line;
    }

    private static void Write(string resultsPath, StringBuilder report, List<(string, AvqaMetrics)> table, List<string> lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(resultsPath))!);
        string text = report.ToString() + (table.Count > 0 ? Environment.NewLine + AvqaMetrics.ToMarkdownTable(table) : "");
        File.WriteAllText(resultsPath, text);
        File.WriteAllText(Path.ChangeExtension(resultsPath, ".json"), "[" + string.Join(",", lines) + "]");
    }

    // avst | zero | mean | nearest | linear | rmm[-dot|-cos][-softmax|-product][-L<slots>][-s<addressing scale>][-learn]
    private static IEstimator<ITransformer>? Recaller(MLContext context, string name, int rmmEpochs, int seed)
    {
        var mm = context.MissingModality();
        switch (name)
        {
            case "avst": return null;
            case "zero": return mm.RecallBaseline(RecallMethod.ZeroFill);
            case "mean": return mm.RecallBaseline(RecallMethod.Mean);
            case "nearest": return mm.RecallBaseline(RecallMethod.NearestNeighbour);
            case "linear": return mm.RecallBaseline(RecallMethod.Linear);
        }
        if (!name.StartsWith("rmm", StringComparison.Ordinal))
            throw new ArgumentException($"Unknown recaller '{name}'.");
        var options = new RmmGeneratorOptions { Epochs = rmmEpochs, Seed = seed, Progress = r => Console.Error.WriteLine($"  {name} {r}") };
        foreach (string part in name.Split('-').Skip(1))
        {
            switch (part)
            {
                case "dot": options.Addressing = SlotAddressing.ScaledDot; break;
                case "cos": options.Addressing = SlotAddressing.Cosine; break;
                case "softmax": options.Combination = SlotCombination.SoftmaxOfProduct; break;
                case "product": options.Combination = SlotCombination.NormalizedProduct; break;
                case "learn": options.LearnAddressingScale = true; break;
                case var scale when scale.StartsWith('s'): options.AddressingScale = double.Parse(scale[1..], CultureInfo.InvariantCulture); break;
                default:
                    options.Slots = part.StartsWith('L') ? int.Parse(part[1..], CultureInfo.InvariantCulture) : throw new ArgumentException($"Unknown RMM variant '{part}'.");
                    break;
            }
        }
        return mm.RmmGenerator(options);
    }

    // avr[-S<start step>][-T<steps>][-ddim][-v][-keep][-c<clamp>]: the AVR diffusion after the recaller
    private static AvrDiffusion Enhancer(MLContext context, string name, int epochs, int seed, IDataView validation)
    {
        var options = new AvrDiffusionOptions { Epochs = epochs, Seed = seed, ValidationSet = validation, Progress = r => Console.Error.WriteLine($"  {name} {r}") };
        foreach (string part in name.Split('-').Skip(1))
        {
            switch (part)
            {
                case "ddim": options.Sampler = DiffusionSampler.Ddim; break;
                case "v": options.Prediction = DiffusionPrediction.Velocity; break;
                case "keep": options.KeepRealModality = true; break;
                case var c when c.StartsWith('c'): options.ClampOriginal = double.Parse(c[1..], CultureInfo.InvariantCulture); break;
                case var s when s.StartsWith('S'): options.StartStep = int.Parse(s[1..], CultureInfo.InvariantCulture); break;
                case var t when t.StartsWith('T'): options.DiffusionSteps = int.Parse(t[1..], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown AVR variant '{part}'.");
            }
        }
        if (!name.StartsWith("avr", StringComparison.Ordinal))
            throw new ArgumentException($"Unknown enhancer '{name}'.");
        return context.MissingModality().AvrDiffusion(options);
    }

    // S<start>[-ddim][-keep][-c<clamp>]: an inference setting of a fitted AVR diffusion
    private static (int Start, DiffusionSampler Sampler, bool Keep, double? Clamp) EnhancementVariant(string name)
    {
        int start = 1;
        var sampler = DiffusionSampler.Ddpm;
        bool keep = false;
        double? clamp = null;
        foreach (string part in name.Split('-'))
        {
            switch (part)
            {
                case "ddim": sampler = DiffusionSampler.Ddim; break;
                case "keep": keep = true; break;
                case var c when c.StartsWith('c'): clamp = double.Parse(c[1..], CultureInfo.InvariantCulture); break;
                case var t when t.StartsWith('S'): start = int.Parse(t[1..], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown enhancement setting '{part}'.");
            }
        }
        return (start, sampler, keep, clamp);
    }

    // Mean over complete test rows: MSE per element and cosine similarity per segment, for each modality.
    private static string RecallError(MLContext context, IDataView recalled, string recalledAudio, string recalledVisual) =>
        "; test recall " + context.MissingModality().EvaluateRecall(recalled, recalledAudio, recalledVisual);
}
