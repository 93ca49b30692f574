using Microsoft.ML.MissingModality.Data;
using Parquet;
using Parquet.Schema;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Data;

[TestClass]
public sealed class BadParquetInputTests : TempDirectoryTest
{
    private static MLContext Ml => new(1);

    private static void ReadEverything(string dir) => DataViewReading.ReadAll(Ml.Data.LoadFromAvqaDataset(dir, "train"));

    /// <summary>Replaces the questions table with one whose columns are given (all strings unless named in <paramref name="ints"/>).</summary>
    private static void WriteQuestions(string dir, string[] columns, string[][] rows, params string[] ints)
    {
        var fields = columns.Select(c => ints.Contains(c) ? (DataField)new DataField<int>(c) : new DataField<string>(c, false)).ToArray();
        string path = Path.Combine(dir, "train.questions.parquet");
        File.Delete(path);
        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), stream).GetAwaiter().GetResult();
        using (var group = writer.CreateRowGroup())
        {
            for (int c = 0; c < fields.Length; c++)
            {
                if (ints.Contains(columns[c]))
                    group.WriteAsync<int>(fields[c], rows.Select(r => int.Parse(r[c])).ToArray().AsMemory(), null, null, default).GetAwaiter().GetResult();
                else
                    group.WriteAsync(fields[c], rows.Select(r => r[c]).ToArray(), null).GetAwaiter().GetResult();
            }
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        RawTables.RecountQuestions(dir, "train", rows);
    }

    private static string[] Row(string type, string videoId = "v0000") => ["7", videoId, "q?", type, "t", "yes"];

    [TestMethod]
    public void Load_MissingColumn_NamesFileAndColumn()
    {
        string dir = TestDatasets.Write(Root, 1, 1);
        WriteQuestions(dir, ["question_id", "video_id", "question", "template", "answer"], [["7", "v0000", "q?", "t", "yes"]]);

        var e = Assert.ThrowsExactly<AvqaDataException>(() => Ml.Data.LoadFromAvqaDataset(dir, "train"));

        StringAssert.EndsWith(e.File, "train.questions.parquet");
        Assert.AreEqual("question_type", e.Column);
        StringAssert.Contains(e.Message, "missing");
    }

    [TestMethod]
    public void Load_MistypedColumn_NamesFileColumnAndTypes()
    {
        string dir = TestDatasets.Write(Root, 1, 1);
        WriteQuestions(dir, [.. DatasetSchema.QuestionColumns], [Row("Audio/Counting")], "question_id");

        var e = Assert.ThrowsExactly<AvqaDataException>(() => Ml.Data.LoadFromAvqaDataset(dir, "train"));

        Assert.AreEqual("question_id", e.Column);
        StringAssert.Contains(e.Message, "Int32");
        StringAssert.Contains(e.Message, "expected string");
    }

    [TestMethod]
    public void Read_UnknownQuestionType_NamesFileColumnRow()
    {
        string dir = TestDatasets.Write(Root, 1, 1);
        WriteQuestions(dir, [.. DatasetSchema.QuestionColumns], [Row("Audio/Counting"), ["8", "v0000", "q?", "Audio/Singing", "t", "yes"]]);

        var e = Assert.ThrowsExactly<AvqaDataException>(() => ReadEverything(dir));

        Assert.AreEqual("question_type", e.Column);
        Assert.AreEqual(1L, e.Row);
        StringAssert.Contains(e.Message, "Audio/Singing");
    }

    /// <summary>A dataset whose videos table (no metadata) holds v0 and v1 with the given audio and no visual; one question on v1.</summary>
    private async Task<string> WriteRawVideos(float[] audio0, float[] audio1)
    {
        string dir = TestDatasets.Write(Path.Combine(Root, "raw"), 1, 1);
        var schema = ParquetTables.VideoSchema(out var id, out var audio, out var visual);
        string path = Path.Combine(dir, "train.videos.parquet");
        File.Delete(path);
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream))
        using (var group = writer.CreateRowGroup())
        {
            await group.WriteAsync(id, new[] { "v0", "v1" }, null);
            float[] values = [.. audio0, .. audio1];
            int[] reps = [.. Enumerable.Range(0, audio0.Length).Select(i => i == 0 ? 0 : 1), .. Enumerable.Range(0, audio1.Length).Select(i => i == 0 ? 0 : 1)];
            await group.WriteAllPartsAsync<float>(audio, values, Enumerable.Repeat(2, values.Length).ToArray(), reps, default);
            await group.WriteAllPartsAsync<float>(visual, Array.Empty<float>(), new[] { 0, 0 }, new[] { 0, 0 }, default);
        }
        WriteQuestions(dir, [.. DatasetSchema.QuestionColumns], [Row("Audio/Counting", "v1")]);
        RawTables.RecountVideos(dir, "train", 2);
        return dir;
    }

    [TestMethod]
    public async Task Read_WrongVectorLength_NamesFileColumnRow()
    {
        string dir = await WriteRawVideos(new float[8], new float[7]);

        var e = Assert.ThrowsExactly<AvqaDataException>(() => ReadEverything(dir));

        StringAssert.EndsWith(e.File, "train.videos.parquet");
        Assert.AreEqual("audio", e.Column);
        Assert.AreEqual(1L, e.Row);
        StringAssert.Contains(e.Message, "Expected 8 values");
        StringAssert.Contains(e.Message, "got 7");
    }

    [TestMethod]
    public async Task Read_NaNInFile_NamesFileColumnRow()
    {
        var bad = new float[8];
        bad[4] = float.NaN;
        string dir = await WriteRawVideos(new float[8], bad);

        var e = Assert.ThrowsExactly<AvqaDataException>(() => ReadEverything(dir));

        Assert.AreEqual("audio", e.Column);
        Assert.AreEqual(1L, e.Row);
        StringAssert.Contains(e.Message, "NaN");
    }

    [TestMethod]
    public void Load_ShapeMetadataDisagreesWithManifest_NamesFile()
    {
        string dir = TestDatasets.Write(Root, 1, 1);
        string manifest = Path.Combine(dir, "dataset.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"audioDim\": 4", "\"audioDim\": 5"));

        var e = Assert.ThrowsExactly<AvqaDataException>(() => Ml.Data.LoadFromAvqaDataset(dir, "train"));

        StringAssert.Contains(e.Message, "avqa.audio_shape");
    }

    [TestMethod]
    public void Load_TruncatedFile_NamesFile()
    {
        string dir = TestDatasets.Write(Root, 3, 1);
        string path = Path.Combine(dir, "train.questions.parquet");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var e = Assert.ThrowsExactly<AvqaDataException>(() => Ml.Data.LoadFromAvqaDataset(dir, "train"));

        StringAssert.EndsWith(e.File, "train.questions.parquet");
        StringAssert.Contains(e.Message, "truncated or corrupt");
    }

    [TestMethod]
    public void Read_CorruptColumnChunk_NamesFileColumnRow()
    {
        string dir = TestDatasets.Write(Root, 9, 1);
        string path = Path.Combine(dir, "train.videos.parquet");
        var bytes = File.ReadAllBytes(path);
        for (int i = 8; i < bytes.Length / 2; i++)
            bytes[i] = 0x5A; // garble the data pages, keep the footer
        File.WriteAllBytes(path, bytes);
        // Found when the split is loaded (its key columns are checked) or, for a feature page, when it is read.
        var e = Assert.ThrowsExactly<AvqaDataException>(() => DataViewReading.ReadAll(Ml.Data.LoadFromAvqaDataset(dir, "train")));

        StringAssert.EndsWith(e.File, "train.videos.parquet");
        Assert.IsNotNull(e.Column);
        Assert.IsNotNull(e.Row);
    }

    [TestMethod]
    public void Load_NoManifest_NamesFile()
    {
        var e = Assert.ThrowsExactly<AvqaDataException>(() => Ml.Data.LoadFromAvqaDataset(Root, "train"));
        StringAssert.Contains(e.Message, "dataset.json");
    }
}
