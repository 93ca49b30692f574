namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>The 33 MUSIC-AVQA question templates (read from the real validation split), each with its answer function.</summary>
public static class MusicAvqaTemplates
{
    /// <summary>All 33 templates, grouped by type in the order of <see cref="Data.QuestionType.All"/>.</summary>
    public static IReadOnlyList<QuestionTemplate> All { get; } =
        [.. AudioTemplates.Create().Concat(VisualTemplates.Create()).Concat(AudioVisualTemplates.Create())
            .Concat(SpatioTemporalTemplates.Create()).OrderBy(t => Data.QuestionType.All.ToList().IndexOf(t.Type))];

    /// <summary>The template with exactly this text and type, or null.</summary>
    public static QuestionTemplate? Find(Data.QuestionType type, string text) =>
        All.FirstOrDefault(t => t.Type == type && t.Text == text);
}
