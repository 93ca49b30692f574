using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Datasets.Synthetic;

namespace Microsoft.ML.MissingModality.Tests.Evaluation;

[TestClass]
public sealed class AvqaSplitTests : Support.TempDirectoryTest
{
    private static HashSet<string> Videos(IDataView data) =>
        [.. data.GetColumn<ReadOnlyMemory<char>>("VideoId").Select(v => v.ToString())];

    [TestMethod]
    public void TrainTestSplitByVideo_TinyTrainSplit_NoVideoOnBothSides()
    {
        string data = Path.Combine(Root, "data");
        new SyntheticGenerator(SyntheticPreset.Tiny, seed: 6).Generate(data);
        var mlContext = new MLContext(seed: 1);
        var rows = mlContext.Data.LoadFromAvqaDataset(data, "train");

        var split = mlContext.MissingModality().TrainTestSplitByVideo(rows, testFraction: 0.3, seed: 2);

        var train = Videos(split.TrainSet);
        var test = Videos(split.TestSet);
        Assert.IsNotEmpty(test);
        Assert.IsFalse(train.Overlaps(test), "a video's questions straddle the split");
        Assert.AreEqual(Videos(rows).Count, train.Count + test.Count);
    }

    [TestMethod]
    public void CrossValidateByVideo_ThreeFolds_EachQuestionTestedOnceByAModelThatNeverSawItsVideo()
    {
        string data = Path.Combine(Root, "data");
        new SyntheticGenerator(SyntheticPreset.Tiny, seed: 6).Generate(data);
        var mlContext = new MLContext(seed: 1);
        var mm = mlContext.MissingModality();
        var rows = mlContext.Data.LoadFromAvqaDataset(data, "train");
        var pipeline = mm.FeaturizeQuestion().Append(mm.MapAnswerToLabel())
            .Append(mm.AvqaTrainer(new AvqaTrainerOptions { Epochs = 1, HiddenSize = 16, Seed = 1 }));

        var folds = mm.CrossValidateByVideo(rows, pipeline, folds: 3, seed: 2);

        Assert.HasCount(3, folds);
        long total = 0;
        using (var cursor = rows.GetRowCursor([]))
            while (cursor.MoveNext()) total++;
        Assert.AreEqual(total, folds.Sum(f => f.Metrics.Overall.Rows), "every question is tested exactly once");
        foreach (var fold in folds)
            Assert.AreEqual(total, fold.TrainQuestions + fold.Metrics.Overall.Rows);
    }

    [TestMethod]
    public void TrainTestSplitByVideo_NoVideoIdColumn_NamesIt()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = mlContext.Data.LoadFromEnumerable(new[] { new { Question = "q" } });
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mlContext.MissingModality().TrainTestSplitByVideo(rows));
        StringAssert.Contains(error.Message, "'VideoId'");
    }
}
