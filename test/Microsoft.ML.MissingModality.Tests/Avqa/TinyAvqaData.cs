using Microsoft.ML.Data;

namespace Microsoft.ML.MissingModality.Tests.Avqa;

/// <summary>
/// A tiny AVQA task with a known rule: "what sounds" is answered by which of three audio prototypes is present,
/// "where is it" by what the picture shows: the instrument's appearance (a place-specific channel pattern, at its
/// position). AVST's spatial grounding pools over positions, so the answer must live in the channels, as it does in
/// real CNN maps. Small shapes ([2,4] audio, [2,3,2,2] visual) keep training fast.
/// </summary>
internal static class TinyAvqaData
{
    public const int Segments = 2, AudioDim = 4, Channels = 3, Height = 2, Width = 2;

    public sealed class Row
    {
        public string QuestionId { get; set; } = "";
        public string Question { get; set; } = "";
        public string QuestionType { get; set; } = "";
        public string Answer { get; set; } = "";
        [VectorType(Segments, AudioDim)] public float[] Audio { get; set; } = [];
        [VectorType(Segments, Channels, Height, Width)] public float[] Visual { get; set; } = [];
        public bool AudioMissing { get; set; }
        public bool VisualMissing { get; set; }
    }

    public sealed class Prediction
    {
        public string PredictedAnswer { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    private static readonly string[] Sounds = ["violin", "piano", "drum"];
    private static readonly string[] Places = ["left", "right", "middle", "top"];
    private static readonly float[,] PlacePattern = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { 1, 1, 0 } };

    public static List<Row> Rows(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        for (int i = 0; i < count; i++)
        {
            int sound = random.Next(Sounds.Length), place = random.Next(Places.Length);
            var audio = new float[Segments * AudioDim];
            for (int t = 0; t < Segments; t++)
                for (int a = 0; a < AudioDim; a++)
                    audio[t * AudioDim + a] = (a == sound ? 1f : 0f) + (float)(random.NextDouble() - 0.5) * 0.2f;
            var visual = new float[Segments * Channels * Height * Width];
            for (int t = 0; t < Segments; t++)
                for (int c = 0; c < Channels; c++)
                    visual[((t * Channels) + c) * Height * Width + place] = PlacePattern[place, c] + (float)random.NextDouble() * 0.1f;
            bool askSound = random.Next(2) == 0;
            rows.Add(new Row
            {
                QuestionId = $"q{seed}-{i}",
                Question = askSound ? "what is sounding" : "where is the instrument",
                QuestionType = askSound ? "Audio/Counting" : "Visual/Location",
                Answer = askSound ? Sounds[sound] : Places[place],
                Audio = audio,
                Visual = visual,
            });
        }
        return rows;
    }

    public static IEstimator<ITransformer> Pipeline(MLContext context, int epochs = 40, IDataView? validation = null) =>
        Preprocessing(context)
            .Append(context.MissingModality().AvqaTrainer(new Microsoft.ML.MissingModality.Avqa.AvqaTrainerOptions
            {
                Epochs = epochs, BatchSize = 16, LearningRate = 1e-2, HiddenSize = 16, MaxQuestionTokens = 4, Dropout = 0,
                LearningRateStepEpochs = 100, ValidationSet = validation, Seed = 3,
            }))
            .Append(context.Transforms.Conversion.MapKeyToValue("PredictedAnswer", "PredictedLabel"));

    public static IEstimator<ITransformer> Preprocessing(MLContext context) =>
        context.Transforms.Text.TokenizeIntoWords("QuestionWords", "Question")
            .Append(context.Transforms.Conversion.MapValueToKey("QuestionTokens", "QuestionWords"))
            .Append(context.Transforms.Conversion.MapValueToKey("Label", "Answer"));
}
