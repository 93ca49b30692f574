using Microsoft.ML.MissingModality.Data;
using Parquet;
using Parquet.Schema;

namespace Microsoft.ML.MissingModality.Tests.Data;

/// <summary>
/// Reads Data/Fixtures/arrow-written, a dataset whose tables Apache Arrow's C++ Parquet writer (the one inside
/// pyarrow) wrote: lists with max definition level 3 and nullable strings. Regenerate with
/// test/fixture-generators/generate-arrow-fixture.cs (or generate_arrow_fixture.py with pyarrow).
/// </summary>
[TestClass]
public sealed class ArrowWrittenFixtureTests
{
    private static string FixtureDir => Path.Combine(TestPaths.RepoRoot, "test", "Microsoft.ML.MissingModality.Tests", "Data", "Fixtures", "arrow-written");

    [TestMethod]
    public async Task Fixture_ListColumns_HaveMaxDefinitionLevel3()
    {
        await using var reader = await ParquetReader.CreateAsync(Path.Combine(FixtureDir, "val.videos.parquet"));
        var audio = (DataField)((ListField)reader.Schema.Fields.Single(f => f.Name == "audio")).Item;
        Assert.AreEqual(3, audio.MaxDefinitionLevel);
    }

    [TestMethod]
    public void LoadFromAvqaDataset_ArrowWrittenFiles_ReadsValuesAndNullLists()
    {
        var view = new MLContext(1).Data.LoadFromAvqaDataset(FixtureDir, "val");

        var rows = DataViewReading.ReadAll(view);

        CollectionAssert.AreEqual(new[] { "1", "2", "3", "4" }, rows.Select(r => r.QuestionId).ToArray());
        CollectionAssert.AreEqual(new[] { "Audio/Counting", "Visual/Location", "Audio-Visual/Comparative", "Audio-Visual/Existential" }, rows.Select(r => r.Type).ToArray());
        CollectionAssert.AreEqual(Enumerable.Range(0, 8).Select(i => (float)i).ToArray(), rows[0].Audio);
        CollectionAssert.AreEqual(Enumerable.Range(0, 6).Select(i => -(float)i).ToArray(), rows[0].Visual);
        Assert.IsTrue(rows[1].AudioMissing);
        CollectionAssert.AreEqual(new float[8], rows[1].Audio);
        CollectionAssert.AreEqual(Enumerable.Range(0, 6).Select(i => -(100f + i)).ToArray(), rows[1].Visual);
        Assert.IsFalse(rows[2].AudioMissing);
        Assert.IsTrue(rows[2].VisualMissing);
        CollectionAssert.AreEqual(Enumerable.Range(0, 8).Select(i => 200f + i).ToArray(), rows[2].Audio);
    }
}
