using System.Text.RegularExpressions;
using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// One of the 33 MUSIC-AVQA question templates, with the function that answers it from a <see cref="Scene"/>.
/// The text is the real template verbatim (placeholders such as <c>&lt;Object&gt;</c>, <c>&lt;LR&gt;</c>).
/// </summary>
public sealed partial class QuestionTemplate
{
    private readonly Func<Scene, SyntheticRandom, string[]> _propose;
    private readonly Func<Scene, IReadOnlyList<string>, string?> _answer;

    internal QuestionTemplate(
        QuestionType type, string text, int realCount,
        Func<Scene, SyntheticRandom, string[]> propose, Func<Scene, IReadOnlyList<string>, string?> answer)
    {
        Type = type;
        Text = text;
        RealCount = realCount;
        _propose = propose;
        _answer = answer;
        PlaceholderCount = Placeholder().Matches(text).Count;
    }

    /// <summary>The question type the template belongs to.</summary>
    public QuestionType Type { get; }

    /// <summary>The template text exactly as in MUSIC-AVQA's <c>question_content</c>.</summary>
    public string Text { get; }

    /// <summary>How many questions of this template the real validation split has: the sampling weight.</summary>
    public int RealCount { get; }

    /// <summary>Number of <c>&lt;...&gt;</c> placeholders the template fills.</summary>
    public int PlaceholderCount { get; }

    /// <summary>
    /// The answer to this template with <paramref name="arguments"/> (the placeholder values, in order) about
    /// <paramref name="scene"/>, or null when the question does not apply (a referent is absent or ambiguous).
    /// </summary>
    public string? Answer(Scene scene, IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Count != PlaceholderCount)
            throw new ArgumentException($"Template '{Text}' takes {PlaceholderCount} arguments; got {arguments.Count}.", nameof(arguments));
        return _answer(scene, arguments);
    }

    /// <summary>The question text: placeholders replaced by <paramref name="arguments"/> in order, surrounding spaces trimmed.</summary>
    public string Fill(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        int i = 0;
        return Placeholder().Replace(Text, _ => arguments[i++]).Trim();
    }

    /// <summary>Draws placeholder values until the question applies to the scene; null after a few failures.</summary>
    internal string[]? Instantiate(Scene scene, SyntheticRandom rng)
    {
        for (int attempt = 0; attempt < 4; attempt++)
        {
            string[] args = _propose(scene, rng);
            if (_answer(scene, args) is not null) return args;
        }
        return null;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Type}: {Text}";

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Placeholder();
}
