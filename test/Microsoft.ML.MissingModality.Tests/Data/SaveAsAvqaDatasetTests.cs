using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Data;

[TestClass]
public sealed class SaveAsAvqaDatasetTests : TempDirectoryTest
{
    [TestMethod]
    public void SaveAsAvqaDataset_LoadedView_RoundTripsRowsShapeAndMissingFlags()
    {
        var ml = new MLContext(1);
        string source = TestDatasets.Write(Root, videos: 7, perVideo: 2);
        var view = ml.Data.LoadFromAvqaDataset(source, "train");
        string copy = Path.Combine(Root, "copy");

        var manifest = ml.Data.SaveAsAvqaDataset(view, copy, "val");

        Assert.AreEqual(TestDatasets.Shape, manifest.Shape);
        Assert.AreEqual(7L, manifest.Splits["val"].Videos);
        Assert.AreEqual(14L, manifest.Splits["val"].Questions);
        Assert.AreEqual(2L, manifest.Splits["val"].VideosMissingAudio);
        var expected = DataViewReading.ReadAll(view);
        var actual = DataViewReading.ReadAll(ml.Data.LoadFromAvqaDataset(copy, "val"));
        Assert.HasCount(expected.Count, actual);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.AreEqual(expected[i] with { Audio = [], Visual = [] }, actual[i] with { Audio = [], Visual = [] });
            CollectionAssert.AreEqual(expected[i].Audio, actual[i].Audio);
            CollectionAssert.AreEqual(expected[i].Visual, actual[i].Visual);
        }
    }

    [TestMethod]
    public void SaveAsAvqaDataset_MissingColumn_NamesColumnAndLeavesNothing()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new { QuestionId = "1" } });

        var e = Assert.ThrowsExactly<AvqaDataException>(() => ml.Data.SaveAsAvqaDataset(data, Path.Combine(Root, "x"), shape: TestDatasets.Shape));

        Assert.AreEqual(AvqaColumns.VideoId, e.Column);
        Assert.IsEmpty(Directory.GetFileSystemEntries(Root));
    }
}
