namespace Microsoft.ML.MissingModality.Data;

/// <summary>One split of a dataset as its manifest records it: its shards' files and the split's counts.</summary>
/// <param name="Shards">The split's tables: one shard (a videos and a questions table) or several, in reading order.</param>
/// <param name="Videos">Number of videos (rows of the videos tables, all shards).</param>
/// <param name="Questions">Number of questions (rows of the questions tables, all shards).</param>
/// <param name="VideosMissingAudio">Number of videos whose audio is missing (a null list).</param>
/// <param name="VideosMissingVisual">Number of videos whose picture is missing (a null list).</param>
/// <param name="QuestionTypes">Questions per canonical type (<c>Audio/Counting</c> …); types with no question are listed with 0.</param>
public sealed record SplitManifest(
    IReadOnlyList<SplitShard> Shards,
    long Videos,
    long Questions,
    long VideosMissingAudio,
    long VideosMissingVisual,
    IReadOnlyDictionary<string, long> QuestionTypes)
{
    /// <summary>Every table file of the split (each shard's videos, then questions table).</summary>
    public IEnumerable<string> Files => Shards.SelectMany(s => new[] { s.VideosFile, s.QuestionsFile });

    /// <summary>Equal when the shards, counts and per-type counts are (records compare lists by reference).</summary>
    public bool Equals(SplitManifest? other) =>
        other is not null && Shards.SequenceEqual(other.Shards) && Videos == other.Videos && Questions == other.Questions
        && VideosMissingAudio == other.VideosMissingAudio && VideosMissingVisual == other.VideosMissingVisual
        && QuestionTypes.Count == other.QuestionTypes.Count
        && QuestionTypes.All(p => other.QuestionTypes.TryGetValue(p.Key, out long c) && c == p.Value);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Shards.Count, Videos, Questions, VideosMissingAudio, VideosMissingVisual);
}
