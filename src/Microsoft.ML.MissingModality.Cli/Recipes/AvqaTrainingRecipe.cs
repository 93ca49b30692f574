using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Cli.Recipes;

/// <summary>
/// The end-to-end AVST recipe the CLI runs: question and answer preprocessing fitted on the training split, the AVQA
/// trainer validated on the validation split (best epoch kept), and the predicted key mapped back to answer text.
/// The fitted chain takes dataset rows (question text, answer text, features) and adds <c>Score</c>,
/// <c>PredictedLabel</c> and <c>PredictedAnswer</c>.
/// </summary>
public static class AvqaTrainingRecipe
{
    /// <summary>Column with the predicted answer text.</summary>
    public const string PredictedAnswerColumnName = "PredictedAnswer";

    /// <summary>Fits the recipe; <paramref name="validation"/> may be null.</summary>
    public static ITransformer Fit(MLContext context, IDataView train, IDataView? validation, AvqaTrainerOptions options)
    {
        var catalog = context.MissingModality();
        var preprocessing = catalog.FeaturizeQuestion(options.QuestionColumnName, AvqaColumns.Question)
            .Append(catalog.MapAnswerToLabel(options.LabelColumnName, AvqaColumns.Answer))
            .Fit(train);
        var prepared = preprocessing.Transform(train);
        if (validation is not null)
            options.ValidationSet = preprocessing.Transform(validation);
        var answerer = catalog.AvqaTrainer(options).Fit(prepared);
        var answered = answerer.Transform(prepared);
        var toText = context.Transforms.Conversion.MapKeyToValue(PredictedAnswerColumnName, AvqaTransformer.PredictedLabelColumnName).Fit(answered);
        return preprocessing.Append(answerer).Append(toText);
    }
}
