using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets;
using Microsoft.ML.MissingModality.Tests.Data;
using Microsoft.ML.MissingModality.Tests.Support;

namespace Microsoft.ML.MissingModality.Tests.Datasets;

[TestClass]
public sealed class MusicAvqaImporterTests : TempDirectoryTest
{
    private static MusicAvqaImportOptions Options(MusicAvqaFixture f, int segments = 3) => new()
    {
        QuestionsPath = f.QuestionsPath,
        AudioDirectory = f.AudioDir,
        VisualDirectory = f.VisualDir,
        OutputDirectory = f.OutDir,
        Segments = segments,
    };

    [TestMethod]
    public void Import_GeneratedFixtures_WritesSubsampledFeaturesAndFilledQuestions()
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([3, 2, 2]);

        var result = MusicAvqaImporter.Import(Options(f));

        Assert.AreEqual("val", result.Split);
        Assert.AreEqual(3L, result.VideosWritten);
        Assert.AreEqual(4L, result.QuestionsWritten);
        Assert.AreEqual(1L, result.VideosSkipped);
        Assert.AreEqual(1L, result.QuestionsSkipped);
        CollectionAssert.AreEqual(new[] { "00000009" }, result.SkippedVideoIds.ToArray());
        Assert.AreEqual(new FeatureShape(3, 4, [3, 2, 2]), result.Manifest.Shape);
        Assert.AreEqual(1L, result.Manifest.Splits["val"].QuestionTypes["Audio-Visual/Temporal"]);
        Assert.AreEqual(0L, result.Manifest.Splits["val"].QuestionTypes["Audio-Visual/Counting"]);

        var rows = DataViewReading.ReadAll(new MLContext(1).Data.LoadFromAvqaDataset(f.OutDir, "val"));

        // Videos sorted by id, each followed by its questions.
        CollectionAssert.AreEqual(new[] { "10", "11", "20", "30" }, rows.Select(r => r.QuestionId).ToArray());
        Assert.AreEqual("What is the instrument on the left of electric_bass?", rows[0].Question);
        Assert.AreEqual("What is the instrument on the <LR> of <Object>?", rows[0].Template);
        Assert.AreEqual("Is the guzheng louder than the piano?", rows[2].Question);
        Assert.AreEqual("Visual/Location", rows[0].Type);
        Assert.AreEqual("saxophone", rows[0].Answer);
        foreach (var (row, video) in new[] { (rows[0], 1), (rows[2], 2), (rows[3], 3) })
        {
            // Time steps 0, 4, 8 of 12 are kept.
            var expectedAudio = new[] { 0, 4, 8 }.SelectMany(t => Enumerable.Range(0, 4).Select(i => MusicAvqaFixture.Value(video, t, i))).ToArray();
            var expectedVisual = new[] { 0, 4, 8 }.SelectMany(t => Enumerable.Range(0, 12).Select(i => -MusicAvqaFixture.Value(video, t, i))).ToArray();
            CollectionAssert.AreEqual(expectedAudio, row.Audio);
            CollectionAssert.AreEqual(expectedVisual, row.Visual);
        }
    }

    [TestMethod]
    public void Import_TwoVideosPerShard_SameRowsInTwoShards()
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([3, 2, 2]);
        var options = Options(f);
        options.Writer = new DatasetWriterOptions { VideosPerShard = 2 };

        var result = MusicAvqaImporter.Import(options);

        CollectionAssert.AreEqual(new[] { 3L, 1L }, result.Manifest.Splits["val"].Shards.Select(s => s.Questions).ToArray());
        var rows = DataViewReading.ReadAll(new MLContext(1).Data.LoadFromAvqaDataset(f.OutDir, "val"));
        CollectionAssert.AreEqual(new[] { "10", "11", "20", "30" }, rows.Select(r => r.QuestionId).ToArray());
    }

    [TestMethod]
    public void Import_PooledVisual_ShapeIsTC()
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([5]);

        var result = MusicAvqaImporter.Import(Options(f, segments: 2));

        Assert.AreEqual(new FeatureShape(2, 4, [5]), result.Manifest.Shape);
    }

    [TestMethod]
    public void Import_FailOnMissing_NamesFileAndLeavesNothing()
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([3]);
        var options = Options(f);
        options.MissingFeatures = MissingFeaturePolicy.Fail;

        var e = Assert.ThrowsExactly<AvqaDataException>(() => MusicAvqaImporter.Import(options));

        StringAssert.Contains(e.Message, "00000009.npy");
        Assert.IsFalse(Directory.Exists(f.OutDir));
    }

    [TestMethod]
    public void Import_UnknownTypeString_NamesFileFieldRecord()
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([3]);
        f.WriteQuestions(("00000001", 1, "Audio", "Counting", "How many?", [], "two"), ("00000001", 2, "Audio", "Singing", "Who sings?", [], "me"));

        var e = Assert.ThrowsExactly<AvqaDataException>(() => MusicAvqaImporter.Import(Options(f)));

        Assert.AreEqual(f.QuestionsPath, e.File);
        Assert.AreEqual("type", e.Column);
        Assert.AreEqual(1L, e.Row);
        StringAssert.Contains(e.Message, "Audio/Singing");
    }

    [TestMethod]
    public void Import_DuplicateQuestionIds_NamesFileFieldRecord()
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([3]);
        f.WriteQuestions(("00000001", 1, "Audio", "Counting", "How many?", [], "two"), ("00000002", 1, "Audio", "Counting", "How many?", [], "one"));

        var e = Assert.ThrowsExactly<AvqaDataException>(() => MusicAvqaImporter.Import(Options(f)));

        Assert.AreEqual("question_id", e.Column);
        Assert.AreEqual(1L, e.Row);
    }

    [TestMethod]
    public void Import_CorruptNpy_NamesFileAndLeavesNothing()
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([3]);
        string bad = Path.Combine(f.VisualDir, "00000003.npy");
        var bytes = File.ReadAllBytes(bad);
        File.WriteAllBytes(bad, bytes[..(bytes.Length - 10)]);

        var e = Assert.ThrowsExactly<AvqaDataException>(() => MusicAvqaImporter.Import(Options(f)));

        Assert.AreEqual(bad, e.File);
        Assert.IsFalse(Directory.Exists(f.OutDir));
        Assert.HasCount(0, Directory.GetDirectories(Root).Where(d => Path.GetFileName(d).StartsWith('.')));
    }

    [TestMethod]
    public void Import_NaNInNpy_NamesFileAndTimeStep()
    {
        var f = new MusicAvqaFixture(Root);
        f.WriteStandard([3]);
        var values = Enumerable.Range(0, 12 * 4).Select(i => (float)i).ToArray();
        values[4 * 4 + 2] = float.NaN; // time step 4 is kept
        NpyWriter.Write(Path.Combine(f.AudioDir, "00000002.npy"), [12, 4], values);

        var e = Assert.ThrowsExactly<AvqaDataException>(() => MusicAvqaImporter.Import(Options(f)));

        StringAssert.EndsWith(e.File, "00000002.npy");
        Assert.AreEqual(4L, e.Row);
        Assert.IsFalse(Directory.Exists(f.OutDir));
    }

    [TestMethod]
    public void Import_RealMusicAvqaVal_ImportsVideosWithFeaturesAndCountsTheRest()
    {
        string json = TestPaths.RequireMusicAvqaVal();
        var f = new MusicAvqaFixture(Root);
        File.Copy(json, f.QuestionsPath);
        var all = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(json)).RootElement.EnumerateArray().ToArray();
        var videos = all.Select(e => e.GetProperty("video_id").GetString()!).Distinct().Order(StringComparer.Ordinal).Take(5).ToArray();
        for (int v = 0; v < videos.Length; v++)
        {
            f.WriteAudio(videos[v], v);
            f.WriteVisual(videos[v], v, [2]);
        }
        int expectedQuestions = all.Count(e => videos.Contains(e.GetProperty("video_id").GetString()));

        var result = MusicAvqaImporter.Import(Options(f));

        Assert.AreEqual(5L, result.VideosWritten);
        Assert.AreEqual(expectedQuestions, result.QuestionsWritten);
        Assert.AreEqual(all.Length - expectedQuestions, result.QuestionsSkipped);
        Assert.AreEqual(all.Select(e => e.GetProperty("video_id").GetString()).Distinct().Count() - 5, result.VideosSkipped);
        var rows = DataViewReading.ReadAll(new MLContext(1).Data.LoadFromAvqaDataset(f.OutDir, "val"));
        Assert.HasCount(expectedQuestions, rows);
        Assert.IsTrue(rows.All(r => !r.Question.Contains('<') && QuestionType.TryParse(r.Type, out _)));
    }
}
