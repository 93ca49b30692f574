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

    [TestMethod]
    public void ReadEpoch_ChunkRowsBelowBatchSize_SameRowsInChunksThatEndEachBatch()
    {
        var context = new MLContext(seed: 1);
        var rows = TinyAvqaData.Rows(12, seed: 2);
        var data = TinyAvqaData.Preprocessing(context).Fit(context.Data.LoadFromEnumerable(rows)).Transform(context.Data.LoadFromEnumerable(rows));
        var binding = FeatureBinding.FromSchema(data.Schema, new AvqaTrainerOptions { MaxQuestionTokens = 4 }.ColumnNames);
        // Each yielded batch as (rows, ends a step, first audio value of each row): batches are reused, so read them as they come.
        List<(int Count, bool EndsStep, float[] FirstAudio)> Read(int? chunkRows) =>
            new DataViewBatchSource(data, binding, "Label", batchSize: 5, shuffleSeed: null, skipUnknownAnswers: false, chunkRows: chunkRows)
                .ReadEpoch(0).Select(b => (b.Count, b.EndsStep, Enumerable.Range(0, b.Count).Select(i => b.Audio[i * b.AudioLength]).ToArray())).ToList();

        var whole = Read(null);
        var chunked = Read(2);

        CollectionAssert.AreEqual(new[] { 5, 5, 2 }, whole.Select(b => b.Count).ToArray());
        Assert.IsTrue(whole.All(b => b.EndsStep));
        CollectionAssert.AreEqual(new[] { 2, 2, 1, 2, 2, 1, 2 }, chunked.Select(b => b.Count).ToArray());
        // The last chunk fills up before the cursor is known to end: the loop ends its step at the end of the pass.
        CollectionAssert.AreEqual(new[] { false, false, true, false, false, true, false }, chunked.Select(b => b.EndsStep).ToArray());
        CollectionAssert.AreEqual(whole.SelectMany(b => b.FirstAudio).ToArray(), chunked.SelectMany(b => b.FirstAudio).ToArray());
    }
}
