using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>A generated question: the stored record plus the template and placeholder values it came from.</summary>
/// <param name="Record">The question as written to the dataset.</param>
/// <param name="Template">The template it instantiates.</param>
/// <param name="Arguments">The placeholder values, in order.</param>
public sealed record SyntheticQuestion(QuestionRecord Record, QuestionTemplate Template, IReadOnlyList<string> Arguments);
