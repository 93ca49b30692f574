using System.Text.Json;
using Microsoft.ML.MissingModality.Tests.Data;

namespace Microsoft.ML.MissingModality.Tests.Datasets;

/// <summary>A tiny MUSIC-AVQA-like folder: questions JSON plus audio/visual .npy folders, written by the tests.</summary>
internal sealed class MusicAvqaFixture
{
    public const int Steps = 12, AudioDim = 4;

    public MusicAvqaFixture(string root)
    {
        Root = root;
        AudioDir = Path.Combine(root, "audio");
        VisualDir = Path.Combine(root, "visual");
        Directory.CreateDirectory(AudioDir);
        Directory.CreateDirectory(VisualDir);
        QuestionsPath = Path.Combine(root, "avqa-val.json");
        OutDir = Path.Combine(root, "out");
    }

    public string Root { get; }
    public string AudioDir { get; }
    public string VisualDir { get; }
    public string QuestionsPath { get; }
    public string OutDir { get; }

    /// <summary>Value at time step t, feature i of video v: distinct and checkable after subsampling.</summary>
    public static float Value(int video, int t, int i) => video * 10000 + t * 100 + i;

    public void WriteAudio(string videoId, int video, int version = 1, bool fortran = false) =>
        NpyWriter.Write(Path.Combine(AudioDir, videoId + ".npy"), [Steps, AudioDim], Values(video, AudioDim), version, fortran);

    public void WriteVisual(string videoId, int video, int[] perStep, int version = 1, bool fortran = false)
    {
        int per = perStep.Aggregate(1, (a, b) => a * b);
        NpyWriter.Write(Path.Combine(VisualDir, videoId + ".npy"), [Steps, .. perStep], Values(video, per).Select(x => -x).ToArray(), version, fortran);
    }

    private static float[] Values(int video, int per) =>
        Enumerable.Range(0, Steps * per).Select(k => Value(video, k / per, k % per)).ToArray();

    /// <summary>Writes question records: (video_id, question_id, group, name, content, values, answer).</summary>
    public void WriteQuestions(params (string Video, int Id, string Group, string Name, string Content, string[] Values, string Answer)[] questions)
    {
        var records = questions.Select(q => new Dictionary<string, object>
        {
            ["video_id"] = q.Video,
            ["question_id"] = q.Id,
            ["type"] = JsonSerializer.Serialize(new[] { q.Group, q.Name }),
            ["question_content"] = q.Content,
            ["templ_values"] = JsonSerializer.Serialize(q.Values),
            ["question_deleted"] = 0,
            ["anser"] = q.Answer,
        });
        File.WriteAllText(QuestionsPath, JsonSerializer.Serialize(records, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Three videos with features (v1 C order v1 format, v2 Fortran v2, v3 C v3) and one without (v9).</summary>
    public void WriteStandard(int[] visualPerStep)
    {
        WriteAudio("00000001", 1);
        WriteVisual("00000001", 1, visualPerStep);
        WriteAudio("00000002", 2, version: 2, fortran: true);
        WriteVisual("00000002", 2, visualPerStep, version: 2, fortran: true);
        WriteAudio("00000003", 3, version: 3);
        WriteVisual("00000003", 3, visualPerStep, version: 3, fortran: true);
        WriteQuestions(
            ("00000002", 20, "Audio", "Comparative", "Is the <Object> louder than the <Object>?", ["guzheng", "piano"], "yes"),
            ("00000001", 10, "Visual", "Location", "What is the instrument on the <LR> of <Object>?", ["left", "electric_bass"], "saxophone"),
            ("00000009", 90, "Audio-Visual", "Counting", "How many sounding <Object> in the video\uff1f", ["banjo"], "one"),
            ("00000003", 30, "Audio-Visual", "Temporal", "Where is the first sounding instrument?", [], "left"),
            ("00000001", 11, "Audio", "Counting", "How many instruments are sounding?", [], "two"));
    }
}
