namespace Microsoft.ML.MissingModality.Data;

/// <summary>The three MUSIC-AVQA question groups: which modality a question is about.</summary>
public enum QuestionGroup
{
    /// <summary>Questions answered from the sound alone ("Audio").</summary>
    Audio,

    /// <summary>Questions answered from the picture alone ("Visual").</summary>
    Visual,

    /// <summary>Questions that need both sound and picture ("Audio-Visual").</summary>
    AudioVisual,
}
