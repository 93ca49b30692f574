namespace Microsoft.ML.MissingModality.Data;

/// <summary>One split of a dataset as its manifest records it: file names and counts.</summary>
/// <param name="VideosFile">The videos table's file name, relative to the dataset directory.</param>
/// <param name="QuestionsFile">The questions table's file name, relative to the dataset directory.</param>
/// <param name="Videos">Number of videos (rows of the videos table).</param>
/// <param name="Questions">Number of questions (rows of the questions table).</param>
/// <param name="VideosMissingAudio">Number of videos whose audio is missing (a null list).</param>
/// <param name="VideosMissingVisual">Number of videos whose picture is missing (a null list).</param>
/// <param name="QuestionTypes">Questions per canonical type (<c>Audio/Counting</c> …); types with no question are listed with 0.</param>
public sealed record SplitManifest(
    string VideosFile,
    string QuestionsFile,
    long Videos,
    long Questions,
    long VideosMissingAudio,
    long VideosMissingVisual,
    IReadOnlyDictionary<string, long> QuestionTypes);
