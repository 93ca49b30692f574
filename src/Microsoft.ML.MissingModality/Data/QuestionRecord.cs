namespace Microsoft.ML.MissingModality.Data;

/// <summary>One question about one video, with its answer, as stored in a dataset's questions table.</summary>
/// <param name="QuestionId">Identifier, unique within a dataset (MUSIC-AVQA's <c>question_id</c> as text).</param>
/// <param name="VideoId">The video the question is about.</param>
/// <param name="Question">The question text with its <c>&lt;...&gt;</c> placeholders already filled in, e.g. "Is the violin on the left louder than the piano?".</param>
/// <param name="Type">One of the nine question types.</param>
/// <param name="Template">The template text with placeholders, e.g. "Is the &lt;Object&gt; on the left louder than the &lt;Object&gt;?".</param>
/// <param name="Answer">The answer word(s), one of the answer vocabulary, e.g. "yes", "two", "left", "violin".</param>
public sealed record QuestionRecord(string QuestionId, string VideoId, string Question, QuestionType Type, string Template, string Answer);
