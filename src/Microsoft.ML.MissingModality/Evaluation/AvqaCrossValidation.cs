namespace Microsoft.ML.MissingModality.Evaluation;

/// <summary>One fold of <see cref="AvqaSplitExtensions.CrossValidateByVideo"/>: the model fitted without the fold's videos and its metrics on them.</summary>
/// <param name="Fold">0-based fold number.</param>
/// <param name="Model">The pipeline fitted on the other folds.</param>
/// <param name="Metrics">Its metrics on this fold's questions.</param>
/// <param name="TrainQuestions">Questions it was fitted on.</param>
public sealed record AvqaFoldResult(int Fold, ITransformer Model, AvqaMetrics Metrics, long TrainQuestions);
