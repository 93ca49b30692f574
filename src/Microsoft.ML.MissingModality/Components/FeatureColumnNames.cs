namespace Microsoft.ML.MissingModality.Components;

/// <summary>
/// The column of each role a component reads: the real pair, their missing flags, the recalled pair an upstream
/// recaller adds, the enhanced pairs an AVR diffusion adds, and the question. Flags, recalled and enhanced columns
/// are optional: used when the schema has them.
/// </summary>
internal sealed record FeatureColumnNames(
    string Audio, string Visual, string Question, string AudioMissing, string VisualMissing,
    string RecalledAudio, string RecalledVisual, int MaxQuestionTokens)
{
    /// <summary>The enhanced pairs to read when the schema has all four (and the recalled pair), or null to read none.</summary>
    public EnhancedPairColumns? Enhanced { get; init; }
}
