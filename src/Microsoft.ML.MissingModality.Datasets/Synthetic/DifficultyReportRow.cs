namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>Accuracies (0..1) of the reference answerers on one question type, one group, or all questions.</summary>
/// <param name="Name">A type (<c>Audio/Counting</c>), a group (<c>Audio</c>, <c>Visual</c>, <c>Audio-Visual</c>) or <c>All</c>.</param>
/// <param name="Questions">Number of evaluated questions (groups and All pool their rows).</param>
/// <param name="Majority">Always the template's most frequent training answer.</param>
/// <param name="QuestionOnly">The most frequent training answer of the exact question text, else the template's.</param>
/// <param name="AudioOracle">The most probable answer given every scene fact audio can observe.</param>
/// <param name="VisualOracle">The most probable answer given every scene fact the picture can observe.</param>
/// <param name="FullOracle">The answer computed from the whole scene (1 by construction).</param>
public sealed record DifficultyReportRow(
    string Name, int Questions, double Majority, double QuestionOnly, double AudioOracle, double VisualOracle, double FullOracle);
