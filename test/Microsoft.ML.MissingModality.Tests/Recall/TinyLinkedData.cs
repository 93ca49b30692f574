using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.ModelProbe;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Recall;

/// <summary>
/// A tiny scene where the modalities are linked: one of three instruments plays (audio: its prototype per segment)
/// and is seen at one of four positions (visual: the instrument's channel lit at that position, plus a position
/// code in channel 3). Audio is recoverable from the picture (which channel is lit), the picture from the audio only
/// up to the position.
/// </summary>
internal static class TinyLinkedData
{
    public const int Segments = 2, AudioDim = 4, Channels = 4, Height = 2, Width = 2;

    public sealed class Row
    {
        public string VideoId { get; set; } = "";
        public string Question { get; set; } = "";
        public string QuestionType { get; set; } = "";
        public string Answer { get; set; } = "";
        [VectorType(Segments, AudioDim)] public float[] Audio { get; set; } = [];
        [VectorType(Segments, Channels, Height, Width)] public float[] Visual { get; set; } = [];
        public bool AudioMissing { get; set; }
        public bool VisualMissing { get; set; }
    }

    public sealed class Recalled
    {
        [VectorType(Segments, AudioDim)] public float[] RecalledAudio { get; set; } = [];
        [VectorType(Segments, Channels, Height, Width)] public float[] RecalledVisual { get; set; } = [];
    }

    private static readonly string[] Sounds = ["violin", "piano", "drum"];
    private static readonly string[] Places = ["left", "right", "middle", "top"];

    public static List<Row> Rows(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        for (int i = 0; i < count; i++)
        {
            int sound = random.Next(Sounds.Length), place = random.Next(Places.Length);
            var audio = new float[Segments * AudioDim];
            var visual = new float[Segments * Channels * Height * Width];
            for (int t = 0; t < Segments; t++)
            {
                for (int a = 0; a < AudioDim; a++)
                    audio[t * AudioDim + a] = (a == sound ? 1f : 0f) + (float)(random.NextDouble() - 0.5) * 0.1f;
                visual[((t * Channels) + sound) * Height * Width + place] = 1f + (float)random.NextDouble() * 0.1f;
                visual[((t * Channels) + 3) * Height * Width + place] = 0.25f * (place + 1);
            }
            bool askSound = random.Next(2) == 0;
            rows.Add(new Row
            {
                VideoId = $"v{seed}-{i}",
                Question = askSound ? "what is sounding" : "where is the instrument",
                QuestionType = askSound ? "Audio/Counting" : "Visual/Location",
                Answer = askSound ? Sounds[sound] : Places[place],
                Audio = audio,
                Visual = visual,
            });
        }
        return rows;
    }

    /// <summary>The rows with one modality removed the way the scenario transform removes it (zeros and a flag).</summary>
    public static List<Row> WithMissing(IEnumerable<Row> rows, bool audio, bool visual) => rows.Select(r => new Row
    {
        VideoId = r.VideoId, Question = r.Question, QuestionType = r.QuestionType, Answer = r.Answer,
        Audio = audio ? new float[r.Audio.Length] : r.Audio, Visual = visual ? new float[r.Visual.Length] : r.Visual,
        AudioMissing = audio, VisualMissing = visual,
    }).ToList();

    public static IEstimator<ITransformer> Preprocessing(MLContext context) => Avqa.TinyAvqaData.Preprocessing(context);

    /// <summary>Answers the rows one by one through a prediction engine over a pipeline ending in the answer text.</summary>
    public static List<ModelProbe.AvqaPrediction> Predict(MLContext context, ITransformer model, List<Row> rows)
    {
        var engine = context.Model.CreatePredictionEngine<Row, ModelProbe.AvqaPrediction>(model);
        return rows.Select(r =>
        {
            var p = engine.Predict(r);
            return new ModelProbe.AvqaPrediction { PredictedAnswer = p.PredictedAnswer, Score = p.Score.ToArray() };
        }).ToList();
    }

    /// <summary>The rows complete, then with the audio missing, then with the picture missing (the three Table 1 scenarios).</summary>
    public static List<Row> Scenarios(List<Row> rows) =>
        [.. rows, .. WithMissing(rows, audio: true, visual: false), .. WithMissing(rows, audio: false, visual: true)];

    /// <summary>
    /// Saves <paramref name="model"/> (a pipeline ending in the answer text) to <paramref name="path"/> and asserts that
    /// it answers <paramref name="rows"/> as <paramref name="before"/> did, loaded in a fresh MLContext and in a fresh
    /// process (ModelProbe).
    /// </summary>
    public static void AssertSameAnswersAfterSaveAndLoad(MLContext context, ITransformer model, DataViewSchema schema, string path,
        List<Row> rows, List<AvqaPrediction> before)
    {
        context.Model.Save(model, schema, path);
        var fresh = new MLContext(seed: 42);
        var afterLoad = Predict(fresh, fresh.Model.Load(path, out _), rows);
        string folder = Path.GetDirectoryName(path)!;
        string input = Path.Combine(folder, Path.GetFileNameWithoutExtension(path) + "-rows.json");
        string output = Path.Combine(folder, Path.GetFileNameWithoutExtension(path) + "-predictions.json");
        File.WriteAllText(input, JsonSerializer.Serialize(rows.Select(r => new AvqaRow
        {
            Question = r.Question, Audio = r.Audio, Visual = r.Visual, AudioMissing = r.AudioMissing, VisualMissing = r.VisualMissing,
        })));
        ProbeProcess.Run("avqa", path, input, output);
        var afterProcess = JsonSerializer.Deserialize<List<AvqaPrediction>>(File.ReadAllText(output))!;
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.AreEqual(before[i].PredictedAnswer, afterLoad[i].PredictedAnswer);
            FloatAssert.AreClose(before[i].Score, afterLoad[i].Score);
            Assert.AreEqual(before[i].PredictedAnswer, afterProcess[i].PredictedAnswer);
            FloatAssert.AreClose(before[i].Score, afterProcess[i].Score);
        }
    }

    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
