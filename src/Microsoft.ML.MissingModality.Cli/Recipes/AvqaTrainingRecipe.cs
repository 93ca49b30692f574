using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Avr;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Joint;

namespace Microsoft.ML.MissingModality.Cli.Recipes;

/// <summary>
/// The end-to-end recipe the CLI runs: question and answer preprocessing fitted on the training split, an optional
/// recaller (RMM or a baseline) fitted on the prepared training rows, an optional AVR diffusion fitted after it, the AVQA trainer validated on the validation
/// split (best epoch kept; Eq. 8 when a recaller is there), and the predicted key mapped back to answer text. The
/// fitted chain takes dataset rows (question text, answer text, features) and adds <c>Score</c>,
/// <c>PredictedLabel</c> and <c>PredictedAnswer</c>.
/// </summary>
public static class AvqaTrainingRecipe
{
    /// <summary>Column with the predicted answer text.</summary>
    public const string PredictedAnswerColumnName = "PredictedAnswer";

    /// <summary>
    /// Fits the recipe; <paramref name="validation"/>, <paramref name="recaller"/> and <paramref name="enhancer"/> may be
    /// null. The AVR diffusion needs a recaller before it. The recaller and the diffusion run inside every epoch's
    /// stream of rows rather than once into memory, so that memory does not grow with the training split (a
    /// question's real, recalled and enhanced features take ~0.5 MB on the <c>small</c> preset and ~16 MB at
    /// MUSIC-AVQA's shapes).
    /// </summary>
    public static ITransformer Fit(MLContext context, IDataView train, IDataView? validation, AvqaTrainerOptions options,
        IEstimator<ITransformer>? recaller = null, AvrDiffusionOptions? enhancer = null)
    {
        if (enhancer is not null && recaller is null)
            throw new ArgumentException("The AVR diffusion enhances recalled features: give a recaller too.", nameof(enhancer));
        var catalog = context.MissingModality();
        ITransformer prefix = catalog.FeaturizeQuestion(options.QuestionColumnName, AvqaColumns.Question)
            .Append(catalog.MapAnswerToLabel(options.LabelColumnName, AvqaColumns.Answer))
            .Fit(train);
        if (recaller is not null)
        {
            // The recaller learns from the prepared rows; the answerer then reads its recalled columns.
            var recall = recaller.Fit(prefix.Transform(train));
            prefix = new TransformerChain<ITransformer>(prefix, recall);
        }
        if (enhancer is not null)
        {
            // The diffusion learns from the real pairs and enhances the recalled ones; validated on the val split.
            if (validation is not null)
                enhancer.ValidationSet = prefix.Transform(validation);
            var enhance = catalog.AvrDiffusion(enhancer).Fit(prefix.Transform(train));
            prefix = new TransformerChain<ITransformer>(prefix, enhance);
        }
        var prepared = prefix.Transform(train);
        if (validation is not null)
            options.ValidationSet = prefix.Transform(validation);
        var answerer = catalog.AvqaTrainer(options).Fit(prepared);
        var answered = answerer.Transform(prepared);
        var toText = context.Transforms.Conversion.MapKeyToValue(PredictedAnswerColumnName, AvqaTransformer.PredictedLabelColumnName).Fit(answered);
        return new TransformerChain<ITransformer>(prefix, answerer, toText);
    }

    /// <summary>
    /// The joint form of the recipe: the same question and answer preprocessing, then the RMM generator, the AVR
    /// diffusion (unless <see cref="JointTrainerOptions.Diffusion"/> is null) and the answerer trained at once on the
    /// paper's total loss, validated on <paramref name="validation"/>, and the predicted key mapped back to text. The
    /// fitted chain has the same columns as the staged one.
    /// </summary>
    public static ITransformer FitJoint(MLContext context, IDataView train, IDataView? validation, JointTrainerOptions options)
    {
        var catalog = context.MissingModality();
        ITransformer prefix = catalog.FeaturizeQuestion(options.QuestionColumnName, AvqaColumns.Question)
            .Append(catalog.MapAnswerToLabel(options.Answerer.LabelColumnName, AvqaColumns.Answer))
            .Fit(train);
        if (validation is not null)
            options.ValidationSet = prefix.Transform(validation);
        var prepared = prefix.Transform(train);
        var method = catalog.JointTrainer(options).Fit(prepared);
        var answered = method.Transform(prepared);
        var toText = context.Transforms.Conversion.MapKeyToValue(PredictedAnswerColumnName, AvqaTransformer.PredictedLabelColumnName).Fit(answered);
        return new TransformerChain<ITransformer>(prefix, method, toText);
    }
}
