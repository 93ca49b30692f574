using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Avr;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Rmm;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Joint;

/// <summary>
/// Trains the RMM generator, the AVR diffusion and the AVST answerer at once on the paper's total loss
/// L_total = L_avqa + λ1 L_rmmr + λ2 L_ave (Sec. 3.3), so that the slots and the denoiser also learn what helps
/// answering. Yields the same transformers as the staged pipeline
/// <c>RmmGenerator → AvrDiffusion → AvqaTrainer</c>, as one chain: saved, loaded and served the same way.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>Label</term><description>key (the answer; <c>MapValueToKey</c> of the text answer)</description></item>
/// <item><term>Question</term><description>vector of keys (word ids) or known-size vector of Single</description></item>
/// <item><term>Audio, Visual</term><description>known-size vectors of Single, <c>[T, A]</c> and <c>[T, C, H, W]</c> (or <c>[T, C]</c>)</description></item>
/// <item><term>AudioMissing, VisualMissing (optional)</term><description>Boolean; RMMR and AVE learn from complete rows, each Eq. 8 term from the rows that have what it needs</description></item>
/// <item><term>Output</term><description><c>RecalledAudio</c>, <c>RecalledVisual</c>, the four enhanced columns (with a diffusion), <c>Score</c>, <c>PredictedLabel</c></description></item>
/// </list>
/// Each batch: the generator recalls both modalities, the diffusion enhances the two (recalled, real) pairs as it does
/// when scoring (start step S, with noise from the training seed), the answerer takes Eq. 8 on them; one Adam step
/// over the three networks (per-network learning rates optional). The epoch with the best validation accuracy (mean
/// over real, recalled-audio and recalled-visual combinations) is kept for all three.
/// </remarks>
public sealed class JointTrainer : TorchEstimatorBase<TransformerChain<ITransformer>>
{
    private readonly JointTrainerOptions _options;

    internal JointTrainer(MLContext context, JointTrainerOptions options) : base(context, options, nameof(JointTrainer))
    {
        _options = options;
        if (options.Diffusion is not null && !options.Answerer.UseEnhancedPairs)
            throw new ArgumentException("With a diffusion the answerer reads its enhanced pairs: set Answerer.UseEnhancedPairs, or Diffusion to null.", nameof(options));
        if (options.Diffusion is not null && options.Diffusion.EnhancedColumns != EnhancedPairColumns.Default)
            throw new ArgumentException("The answerer reads the enhanced pairs under their default names: leave the diffusion's enhanced column names as they are.", nameof(options));
    }

    /// <summary>Trains the three networks on <paramref name="input"/> (validating on the options' validation set, if any).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type or shape; the message names it.</exception>
    /// <exception cref="InvalidDataException">A value is NaN or infinite, no row has both modalities, or no row has a known answer.</exception>
    public override TransformerChain<ITransformer> Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int seed = ResolveSeed();
        var device = SelectDevice();
        var (recallEstimator, diffusionEstimator, answererEstimator) = Components(seed);

        var recall = recallEstimator.Prepare(input, seed, device);
        var recallTransformer = recallEstimator.CreateTransformer(recall);
        var schema = recallTransformer.GetOutputSchema(input.Schema);
        PreparedAvr? diffusion = null;
        AvrTransformer? diffusionTransformer = null;
        if (diffusionEstimator is not null)
        {
            diffusion = diffusionEstimator.Prepare(schema, input, seed, device);
            diffusionTransformer = diffusionEstimator.CreateTransformer(diffusion);
            schema = diffusionTransformer.GetOutputSchema(schema);
        }
        var answerer = answererEstimator.Prepare(schema, seed);

        // Training reads the real rows only: the recalled and enhanced features are computed in the graph.
        var rows = answerer.Binding with { RecalledAudioColumn = null, RecalledVisualColumn = null, EnhancedColumns = null };
        string label = _options.Answerer.LabelColumnName;
        var train = new DataViewBatchSource(input, rows, label, _options.BatchSize, _options.Shuffle ? seed : null, skipUnknownAnswers: true, _options.Answerer.VideoIdColumnName)
            { PrefetchBatches = _options.PrefetchBatches };
        DataViewBatchSource? validation = null;
        CheckValidationSet(validationSet =>
        {
            rows.CheckCompatible(validationSet.Schema);
            if (!AvqaTrainer.AnswerNames(validationSet.Schema, label).SequenceEqual(answerer.Answers))
                throw new ArgumentOutOfRangeException(nameof(JointTrainerOptions.ValidationSet),
                    $"The validation set's label column '{label}' uses another answer dictionary; transform it with the pipeline fitted on the training data.");
        });
        if (_options.ValidationSet is { } validationSet)
        {
            validation = new DataViewBatchSource(validationSet, rows, label, _options.BatchSize, shuffleSeed: null, skipUnknownAnswers: false)
                { PrefetchBatches = _options.PrefetchBatches, BatchPool = train.BatchPool };
        }

        Info($"Training the RMM generator{(diffusion is null ? "" : ", the AVR diffusion")} and AVST jointly on {device}: " +
            FormattableString.Invariant($"λ1 = {_options.RecallLossWeight}, λ2 = {_options.DiffusionLossWeight}; the answer loss reaches ") +
            (_options.AnswerLossReachesRecall ? (_options.AnswerLossReachesDiffusion || diffusion is null ? "every network." : "the generator, not the diffusion.")
                : _options.AnswerLossReachesDiffusion && diffusion is not null ? "the diffusion, not the generator." : "the answerer only."));
        using (var answererObjective = answererEstimator.CreateObjective(answerer, seed))
        using (var objective = new JointObjective(recall.Network, diffusion?.Diffusion, diffusion?.Config.Enhancement, answererObjective, answerer.Network, Settings(), seed))
            Train(objective, train, validation, device, seed, input.GetRowCount());
        if (train.SkippedRows > 0)
            Warning($"{train.SkippedRows} training rows per epoch had no known answer and were skipped.");

        var answererTransformer = answererEstimator.CreateTransformer(answerer);
        return diffusionTransformer is null
            ? new TransformerChain<ITransformer>(recallTransformer, answererTransformer)
            : new TransformerChain<ITransformer>(recallTransformer, diffusionTransformer, answererTransformer);
    }

    /// <summary>The input shape plus the recalled columns, the enhanced columns (with a diffusion), <c>Score</c> and <c>PredictedLabel</c>.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var (recall, diffusion, answerer) = Components(seed: 0);
        var shape = recall.GetOutputSchema(inputSchema);
        if (diffusion is not null)
            shape = diffusion.GetOutputSchema(shape);
        return answerer.GetOutputSchema(shape);
    }

    // The three component estimators, reading this trainer's input columns, with the recalled columns wired through.
    private (RmmGenerator Recall, AvrDiffusion? Diffusion, AvqaTrainer Answerer) Components(int seed)
    {
        var recall = _options.Recall.ReadingInputsOf<RmmGeneratorOptions>(_options, seed);
        var answerer = _options.Answerer.ReadingInputsOf<AvqaTrainerOptions>(_options, seed);
        answerer.RecalledAudioColumnName = recall.RecalledAudioColumnName;
        answerer.RecalledVisualColumnName = recall.RecalledVisualColumnName;
        AvrDiffusionOptions? diffusion = null;
        if (_options.Diffusion is not null)
        {
            diffusion = _options.Diffusion.ReadingInputsOf<AvrDiffusionOptions>(_options, seed);
            diffusion.RecalledAudioColumnName = recall.RecalledAudioColumnName;
            diffusion.RecalledVisualColumnName = recall.RecalledVisualColumnName;
        }
        return (Context.MissingModality().RmmGenerator(recall),
            diffusion is null ? null : Context.MissingModality().AvrDiffusion(diffusion),
            Context.MissingModality().AvqaTrainer(answerer));
    }

    private JointLossSettings Settings() => new(
        _options.RecallLossWeight, _options.DiffusionLossWeight, _options.AnswerLossReachesRecall, _options.AnswerLossReachesDiffusion,
        (_options.RecallLearningRate ?? _options.LearningRate) / _options.LearningRate,
        (_options.DiffusionLearningRate ?? _options.LearningRate) / _options.LearningRate);
}
