namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Names of the columns of the IDataView that <c>mlContext.Data.LoadFromAvqaDataset</c> returns (one row per
/// question, video features joined in) and that <c>SaveAsAvqaDataset</c> expects. Trainers and generators refer
/// to these constants rather than to string literals.
/// </summary>
public static class AvqaColumns
{
    /// <summary>Question identifier (text).</summary>
    public const string QuestionId = "QuestionId";

    /// <summary>Video identifier (text).</summary>
    public const string VideoId = "VideoId";

    /// <summary>Question text with placeholders filled in (text).</summary>
    public const string Question = "Question";

    /// <summary>Canonical question type, <c>Group/Name</c> (text).</summary>
    public const string QuestionType = "QuestionType";

    /// <summary>Question template with <c>&lt;...&gt;</c> placeholders (text).</summary>
    public const string Template = "Template";

    /// <summary>Answer word(s) (text).</summary>
    public const string Answer = "Answer";

    /// <summary>Audio features, known-size vector of float with dimensions <c>[Segments, AudioDim]</c>; zeros when missing.</summary>
    public const string Audio = "Audio";

    /// <summary>Visual features, known-size vector of float with dimensions <c>[Segments, ..VisualDims]</c>; zeros when missing.</summary>
    public const string Visual = "Visual";

    /// <summary>True when the video's audio is missing (Boolean).</summary>
    public const string AudioMissing = "AudioMissing";

    /// <summary>True when the video's picture is missing (Boolean).</summary>
    public const string VisualMissing = "VisualMissing";

    /// <summary>All column names, in schema order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [QuestionId, VideoId, Question, QuestionType, Template, Answer, Audio, Visual, AudioMissing, VisualMissing];
}
