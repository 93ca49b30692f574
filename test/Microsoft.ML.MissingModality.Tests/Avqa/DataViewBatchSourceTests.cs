using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Components;

namespace Microsoft.ML.MissingModality.Tests.Avqa;

[TestClass]
public sealed class DataViewBatchSourceTests
{
    private sealed class RowWithVideo
    {
        public string VideoId { get; set; } = "";
        public string Question { get; set; } = "";
        public string Answer { get; set; } = "";
        [Microsoft.ML.Data.VectorType(TinyAvqaData.Segments, TinyAvqaData.AudioDim)] public float[] Audio { get; set; } = [];
        [Microsoft.ML.Data.VectorType(TinyAvqaData.Segments, TinyAvqaData.Channels, TinyAvqaData.Height, TinyAvqaData.Width)]
        public float[] Visual { get; set; } = [];
    }

    [TestMethod]
    public void ReadEpoch_VideoIdColumn_GivesQuestionsOfOneVideoTheSameKey()
    {
        var context = new MLContext(seed: 1);
        var rows = TinyAvqaData.Rows(12, seed: 1).Select((r, i) => new RowWithVideo
        {
            VideoId = $"video-{i / 3}", Question = r.Question, Answer = r.Answer, Audio = r.Audio, Visual = r.Visual,
        });
        var data = TinyAvqaData.Preprocessing(context).Fit(context.Data.LoadFromEnumerable(rows)).Transform(context.Data.LoadFromEnumerable(rows));
        var options = new AvqaTrainerOptions { MaxQuestionTokens = 4 };
        var binding = FeatureBinding.FromSchema(data.Schema, options.ColumnNames);

        var withIds = new DataViewBatchSource(data, binding, "Label", batchSize: 12, shuffleSeed: null, skipUnknownAnswers: true, "VideoId")
            .ReadEpoch(0).Single();
        var keys = withIds.VideoKeys.Take(12).ToArray();
        for (int i = 0; i < 12; i++)
            for (int j = 0; j < 12; j++)
                Assert.AreEqual(i / 3 == j / 3, keys[i] == keys[j], $"rows {i} and {j}");

        var withoutIds = new DataViewBatchSource(data, binding, "Label", batchSize: 12, shuffleSeed: null, skipUnknownAnswers: true)
            .ReadEpoch(0).Single();
        Assert.AreEqual(12, withoutIds.VideoKeys.Take(12).Distinct().Count(), "without a video id every row is its own video");
    }
}
