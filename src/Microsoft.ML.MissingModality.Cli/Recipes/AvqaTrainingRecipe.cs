using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Cli.Recipes;

/// <summary>
/// The end-to-end recipe the CLI runs: question and answer preprocessing fitted on the training split, an optional
/// recaller (RMM or a baseline) fitted on the prepared training rows, the AVQA trainer validated on the validation
/// split (best epoch kept; Eq. 8 when a recaller is there), and the predicted key mapped back to answer text. The
/// fitted chain takes dataset rows (question text, answer text, features) and adds <c>Score</c>,
/// <c>PredictedLabel</c> and <c>PredictedAnswer</c>.
/// </summary>
public static class AvqaTrainingRecipe
{
    /// <summary>Column with the predicted answer text.</summary>
    public const string PredictedAnswerColumnName = "PredictedAnswer";

    /// <summary>Fits the recipe; <paramref name="validation"/> and <paramref name="recaller"/> may be null.</summary>
    public static ITransformer Fit(MLContext context, IDataView train, IDataView? validation, AvqaTrainerOptions options,
        IEstimator<ITransformer>? recaller = null)
    {
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
        var prepared = prefix.Transform(train);
        if (validation is not null)
            options.ValidationSet = prefix.Transform(validation);
        var answerer = catalog.AvqaTrainer(options).Fit(prepared);
        var answered = answerer.Transform(prepared);
        var toText = context.Transforms.Conversion.MapKeyToValue(PredictedAnswerColumnName, AvqaTransformer.PredictedLabelColumnName).Fit(answered);
        return new TransformerChain<ITransformer>(prefix, answerer, toText);
    }
}
