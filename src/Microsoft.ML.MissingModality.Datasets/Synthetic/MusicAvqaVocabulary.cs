namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// MUSIC-AVQA's 42 answer classes: 22 instruments, the counts <c>zero</c>..<c>ten</c> and <c>more than ten</c>,
/// the positions <c>left</c>/<c>middle</c>/<c>right</c>, <c>indoor</c>/<c>outdoor</c>, <c>simultaneously</c>,
/// <c>yes</c>/<c>no</c>. Spelled as in the dataset's <c>anser</c> field.
/// </summary>
public static class MusicAvqaVocabulary
{
    /// <summary>The 22 instruments, alphabetically (the order of the instrument signatures in the synthetic benchmark).</summary>
    public static IReadOnlyList<string> Instruments { get; } =
    [
        "accordion", "acoustic_guitar", "bagpipe", "banjo", "bassoon", "cello", "clarinet", "congas", "drum",
        "electric_bass", "erhu", "flute", "guzheng", "piano", "pipa", "saxophone", "suona", "trumpet", "tuba",
        "ukulele", "violin", "xylophone",
    ];

    /// <summary>The 12 count answers: <c>zero</c> to <c>ten</c>, then <c>more than ten</c>.</summary>
    public static IReadOnlyList<string> Counts { get; } =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "more than ten"];

    /// <summary>The three horizontal positions: <c>left</c>, <c>middle</c>, <c>right</c>.</summary>
    public static IReadOnlyList<string> Positions { get; } = ["left", "middle", "right"];

    /// <summary>All 42 answers: instruments, counts, positions, <c>indoor</c>, <c>outdoor</c>, <c>simultaneously</c>, <c>yes</c>, <c>no</c>.</summary>
    public static IReadOnlyList<string> Answers { get; } =
        [.. Instruments, .. Counts, .. Positions, "indoor", "outdoor", "simultaneously", "yes", "no"];

    private static readonly Dictionary<string, int> AnswerIndex =
        Answers.Select((a, i) => (a, i)).ToDictionary(p => p.a, p => p.i, StringComparer.Ordinal);

    /// <summary>The count answer for <paramref name="count"/>: <c>zero</c>..<c>ten</c>, or <c>more than ten</c> above ten.</summary>
    public static string CountWord(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Counts[Math.Min(count, 11)];
    }

    /// <summary>The class index of an answer in <see cref="Answers"/>, or -1 when it is not one of the 42.</summary>
    public static int IndexOf(string answer) => AnswerIndex.TryGetValue(answer, out int i) ? i : -1;

    /// <summary>Whether <paramref name="answer"/> is one of the 42 answers.</summary>
    public static bool Contains(string answer) => AnswerIndex.ContainsKey(answer);
}
