namespace Microsoft.ML.MissingModality.Datasets;

/// <summary>What the MUSIC-AVQA importer does with a video whose feature files are absent.</summary>
public enum MissingFeaturePolicy
{
    /// <summary>Leave the video and its questions out, and count them in the <see cref="MusicAvqaImportResult"/>.</summary>
    Skip,

    /// <summary>Stop with an error naming the missing file; nothing is written.</summary>
    Fail,
}
