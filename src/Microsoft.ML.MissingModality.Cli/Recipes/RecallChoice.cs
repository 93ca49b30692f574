using Microsoft.ML.MissingModality.Recall;
using Microsoft.ML.MissingModality.Rmm;

namespace Microsoft.ML.MissingModality.Cli.Recipes;

/// <summary>
/// The <c>--recall</c> option: which recaller stands before the answerer. <c>zero</c> is AVST alone (no recaller: a
/// missing modality is fed as zeros, training sees only real pairs); the others add recalled columns and the
/// answerer trains on Eq. 8.
/// </summary>
public static class RecallChoice
{
    /// <summary>The accepted values.</summary>
    public static readonly string[] Names = ["zero", "mean", "nearest", "linear", "rmm"];

    /// <summary>The recaller for <paramref name="choice"/>, or null for AVST alone.</summary>
    public static IEstimator<ITransformer>? Create(MLContext context, string choice, RmmGeneratorOptions rmm) => choice switch
    {
        "zero" => null,
        "mean" => context.MissingModality().RecallBaseline(RecallMethod.Mean),
        "nearest" => context.MissingModality().RecallBaseline(RecallMethod.NearestNeighbour),
        "linear" => context.MissingModality().RecallBaseline(RecallMethod.Linear),
        "rmm" => context.MissingModality().RmmGenerator(rmm),
        _ => throw new ArgumentException($"Unknown recaller '{choice}': expected {string.Join(", ", Names)}."),
    };
}
