namespace Microsoft.ML.MissingModality.Components;

/// <summary>
/// The column of each role a component reads: the real pair, their missing flags, the recalled pair an upstream
/// recaller adds, and the question. Flags and recalled columns are optional: used when the schema has them.
/// </summary>
internal sealed record FeatureColumnNames(
    string Audio, string Visual, string Question, string AudioMissing, string VisualMissing,
    string RecalledAudio, string RecalledVisual, int MaxQuestionTokens);
