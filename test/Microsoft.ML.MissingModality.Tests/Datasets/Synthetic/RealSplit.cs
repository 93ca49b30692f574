using System.Text.Json;
using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Tests.Datasets.Synthetic;

/// <summary>The real MUSIC-AVQA validation questions, read once: (type, template, answer) per record.</summary>
internal static class RealSplit
{
    private static List<(QuestionType Type, string Template, string Answer)>? _records;

    public static List<(QuestionType Type, string Template, string Answer)> Records()
    {
        string path = TestPaths.RequireMusicAvqaVal();
        if (_records is not null) return _records;
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        _records = doc.RootElement.EnumerateArray()
            .Select(r => (QuestionType.ParseMusicAvqa(r.GetProperty("type").GetString()!),
                r.GetProperty("question_content").GetString()!, r.GetProperty("anser").GetString()!))
            .ToList();
        return _records;
    }
}
