using System.Text.Json;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// One of the nine MUSIC-AVQA question types, such as <c>Audio/Counting</c> or <c>Audio-Visual/Temporal</c>.
/// Its canonical text form is <c>Group/Name</c>, the form stored in datasets and used in metrics.
/// </summary>
public sealed record QuestionType
{
    private QuestionType(QuestionGroup group, string name)
    {
        Group = group;
        Name = name;
    }

    /// <summary>The group the type belongs to.</summary>
    public QuestionGroup Group { get; }

    /// <summary>The type's name within its group: Counting, Comparative, Location, Existential or Temporal.</summary>
    public string Name { get; }

    /// <summary>The group as MUSIC-AVQA spells it: <c>Audio</c>, <c>Visual</c> or <c>Audio-Visual</c>.</summary>
    public string GroupName => GroupNameOf(Group);

    /// <summary>Audio questions that count sounds.</summary>
    public static QuestionType AudioCounting { get; } = new(QuestionGroup.Audio, "Counting");

    /// <summary>Audio questions that compare sounds (louder, longer, more rhythmic).</summary>
    public static QuestionType AudioComparative { get; } = new(QuestionGroup.Audio, "Comparative");

    /// <summary>Visual questions that count what is seen.</summary>
    public static QuestionType VisualCounting { get; } = new(QuestionGroup.Visual, "Counting");

    /// <summary>Visual questions about where things are.</summary>
    public static QuestionType VisualLocation { get; } = new(QuestionGroup.Visual, "Location");

    /// <summary>Audio-visual questions about whether something is both seen and heard.</summary>
    public static QuestionType AudioVisualExistential { get; } = new(QuestionGroup.AudioVisual, "Existential");

    /// <summary>Audio-visual questions that count sounding objects among those seen.</summary>
    public static QuestionType AudioVisualCounting { get; } = new(QuestionGroup.AudioVisual, "Counting");

    /// <summary>Audio-visual questions about where a sound comes from.</summary>
    public static QuestionType AudioVisualLocation { get; } = new(QuestionGroup.AudioVisual, "Location");

    /// <summary>Audio-visual questions that compare sounding objects.</summary>
    public static QuestionType AudioVisualComparative { get; } = new(QuestionGroup.AudioVisual, "Comparative");

    /// <summary>Audio-visual questions about the order of sounds in time.</summary>
    public static QuestionType AudioVisualTemporal { get; } = new(QuestionGroup.AudioVisual, "Temporal");

    /// <summary>All nine types, in the column order of the paper's tables.</summary>
    public static IReadOnlyList<QuestionType> All { get; } =
    [
        AudioCounting, AudioComparative, VisualCounting, VisualLocation, AudioVisualExistential,
        AudioVisualCounting, AudioVisualLocation, AudioVisualComparative, AudioVisualTemporal,
    ];

    /// <summary>The MUSIC-AVQA spelling of a group.</summary>
    public static string GroupNameOf(QuestionGroup group) => group switch
    {
        QuestionGroup.Audio => "Audio",
        QuestionGroup.Visual => "Visual",
        QuestionGroup.AudioVisual => "Audio-Visual",
        _ => throw new ArgumentOutOfRangeException(nameof(group), group, "Unknown question group."),
    };

    /// <summary>The canonical form, <c>Group/Name</c>.</summary>
    public override string ToString() => $"{GroupName}/{Name}";

    /// <summary>Parses the canonical form (<c>Audio-Visual/Temporal</c>); case-sensitive.</summary>
    /// <exception cref="FormatException">The text names none of the nine types.</exception>
    public static QuestionType Parse(string text) =>
        TryParse(text, out var type) ? type : throw new FormatException(
            $"Unknown question type '{text}'. Expected one of: {string.Join(", ", All)}.");

    /// <summary>Parses the canonical form; false when the text names none of the nine types.</summary>
    public static bool TryParse(string? text, out QuestionType type)
    {
        type = All.FirstOrDefault(t => string.Equals(t.ToString(), text, StringComparison.Ordinal))!;
        return type is not null;
    }

    /// <summary>
    /// Parses MUSIC-AVQA's <c>type</c> field, a JSON list inside a string such as <c>["Audio-Visual", "Temporal"]</c>.
    /// </summary>
    /// <exception cref="FormatException">The field is not such a list or names none of the nine types.</exception>
    public static QuestionType ParseMusicAvqa(string typeField)
    {
        string[]? parts;
        try
        {
            parts = JsonSerializer.Deserialize(typeField, Internal.LibraryJson.Default.StringArray);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Question type field '{typeField}' is not a JSON list of two strings.", e);
        }
        if (parts is not { Length: 2 })
            throw new FormatException($"Question type field '{typeField}' is not a JSON list of two strings.");
        return Parse($"{parts[0]}/{parts[1]}");
    }
}
