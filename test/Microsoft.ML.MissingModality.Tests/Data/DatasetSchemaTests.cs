using System.Text.Json;
using Microsoft.ML.MissingModality.Data;
using Parquet;
using Parquet.Schema;

namespace Microsoft.ML.MissingModality.Tests.Data;

[TestClass]
public sealed class DatasetSchemaTests
{
    private static JsonElement Description => JsonDocument.Parse(DatasetSchema.DescriptionJson).RootElement;

    private static string[] ColumnNames(JsonElement table) =>
        table.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();

    private static JsonElement Table(string name) =>
        Description.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == name);

    [TestMethod]
    public void DescriptionJson_IsTheFileInDataSchemas()
    {
        string onDisk = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "data-schemas", "avqa-dataset.schema.json"));
        Assert.AreEqual(onDisk, DatasetSchema.DescriptionJson);
    }

    [TestMethod]
    public void DescriptionJson_AgreesWithCodeConstants()
    {
        Assert.AreEqual(DatasetSchema.Version, Description.GetProperty("schemaVersion").GetString());
        Assert.AreEqual(DatasetSchema.ManifestFileName, Description.GetProperty("manifest").GetProperty("fileName").GetString());
        CollectionAssert.AreEqual(DatasetSchema.VideoColumns.ToArray(), ColumnNames(Table("videos")));
        CollectionAssert.AreEqual(DatasetSchema.QuestionColumns.ToArray(), ColumnNames(Table("questions")));
        CollectionAssert.AreEqual(AvqaColumns.All.ToArray(), ColumnNames(Description.GetProperty("dataView")));
        CollectionAssert.AreEquivalent(
            new[] { DatasetSchema.SchemaVersionKey, DatasetSchema.TableKey, DatasetSchema.AudioShapeKey, DatasetSchema.VisualShapeKey },
            Description.GetProperty("parquetMetadataKeys").EnumerateObject().Select(p => p.Name).ToArray());
    }

    [TestMethod]
    public async Task WrittenFiles_MatchDescribedColumnsTypesNullabilityAndMetadata()
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            string dir = TestDatasets.Write(root, 2, 1);
            foreach (string table in new[] { "videos", "questions" })
            {
                await using var reader = await ParquetReader.CreateAsync(Path.Combine(dir, $"train.{table}.parquet"));
                var described = Table(table).GetProperty("columns").EnumerateArray().ToArray();
                Assert.HasCount(described.Length, reader.Schema.Fields);
                for (int i = 0; i < described.Length; i++)
                {
                    var field = reader.Schema.Fields[i];
                    Assert.AreEqual(described[i].GetProperty("name").GetString(), field.Name);
                    string type = described[i].GetProperty("parquetType").GetString()!;
                    bool nullable = described[i].GetProperty("nullable").GetBoolean();
                    if (type == "list<float>")
                    {
                        Assert.IsInstanceOfType<ListField>(field);
                        Assert.AreEqual(typeof(float), ((DataField)((ListField)field).Item).ClrType);
                        Assert.IsTrue(nullable);
                    }
                    else
                    {
                        Assert.AreEqual("string", type);
                        Assert.IsFalse(((DataField)field).IsNullable);
                        Assert.IsFalse(nullable);
                    }
                }
                Assert.AreEqual(DatasetSchema.Version, reader.CustomMetadata[DatasetSchema.SchemaVersionKey]);
                Assert.AreEqual(table, reader.CustomMetadata[DatasetSchema.TableKey]);
                Assert.AreEqual("[2,4]", reader.CustomMetadata[DatasetSchema.AudioShapeKey]);
                Assert.AreEqual("[2,3,2,2]", reader.CustomMetadata[DatasetSchema.VisualShapeKey]);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void Manifest_SaveLoad_RoundTrips()
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            var manifest = new DatasetManifest(DatasetSchema.Version, FeatureShape.MusicAvqa, new Dictionary<string, SplitManifest>
            {
                ["val"] = new([new SplitShard("val.videos.parquet", "val.questions.parquet", 3, 9)], 3, 9, 1, 0, QuestionType.All.ToDictionary(t => t.ToString(), t => 1L)),
            });
            manifest.Save(Path.Combine(root, "dataset.json"));

            var loaded = DatasetManifest.Load(root);

            Assert.AreEqual(FeatureShape.MusicAvqa, loaded.Shape);
            Assert.AreEqual(manifest.Splits["val"] with { QuestionTypes = loaded.Splits["val"].QuestionTypes }, loaded.Splits["val"]);
            CollectionAssert.AreEquivalent(manifest.Splits["val"].QuestionTypes.ToArray(), loaded.Splits["val"].QuestionTypes.ToArray());
            StringAssert.Contains(File.ReadAllText(Path.Combine(root, "dataset.json")), "\"Audio-Visual/Temporal\": 1");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
