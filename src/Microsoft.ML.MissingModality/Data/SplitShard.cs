namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// One shard of a split: a videos table and a questions table whose questions refer only to its own videos. A split
/// written in one piece is one shard; a large one may be several (<see cref="DatasetWriterOptions.VideosPerShard"/>),
/// which a reader visits one after another, holding one shard's files and cache at a time.
/// </summary>
/// <param name="VideosFile">The videos table's file name, relative to the dataset directory.</param>
/// <param name="QuestionsFile">The questions table's file name, relative to the dataset directory.</param>
/// <param name="Videos">Rows of the videos table.</param>
/// <param name="Questions">Rows of the questions table.</param>
public sealed record SplitShard(string VideosFile, string QuestionsFile, long Videos, long Questions);
