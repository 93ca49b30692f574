using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Datasets;

/// <summary>What a MUSIC-AVQA import wrote and left out.</summary>
/// <param name="Manifest">The written dataset's manifest.</param>
/// <param name="Split">The split written.</param>
/// <param name="VideosWritten">Videos written.</param>
/// <param name="QuestionsWritten">Questions written.</param>
/// <param name="VideosSkipped">Videos left out for lack of feature files.</param>
/// <param name="QuestionsSkipped">Questions left out with them.</param>
/// <param name="SkippedVideoIds">The ids of the videos left out.</param>
public sealed record MusicAvqaImportResult(
    DatasetManifest Manifest, string Split, long VideosWritten, long QuestionsWritten,
    long VideosSkipped, long QuestionsSkipped, IReadOnlyList<string> SkippedVideoIds);
