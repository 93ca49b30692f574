using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets.Synthetic;

namespace Microsoft.ML.MissingModality.Tests.Datasets.Synthetic;

[TestClass]
public sealed class SyntheticDatasetTests
{
    [TestMethod]
    public void Generate_Tiny_WritesEverySplitAndManifestCounts()
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            string dir = Path.Combine(root, "tiny");
            var progress = new List<SyntheticProgress>();
            var manifest = new SyntheticGenerator(SyntheticPreset.Tiny, 1).Generate(dir, progress: new SyncProgress(progress));
            var loaded = DatasetManifest.Load(dir);
            Assert.AreEqual(SyntheticPreset.Tiny.Shape, loaded.Shape);
            foreach (var spec in SyntheticPreset.Tiny.Splits)
            {
                var split = loaded.Splits[spec.Name];
                Assert.AreEqual(spec.Videos, split.Videos);
                Assert.AreEqual(spec.Questions, split.Questions);
                Assert.AreEqual(spec.Questions, split.QuestionTypes.Values.Sum());
                foreach (string file in split.Files)
                    Assert.IsTrue(File.Exists(Path.Combine(dir, file)));
                Assert.AreEqual(spec.Videos, progress.Where(p => p.Split == spec.Name).Max(p => p.VideosDone));
            }
            Assert.IsTrue(File.Exists(Path.Combine(dir, SyntheticGenerator.ProvenanceFileName)));
            Assert.AreEqual(manifest.Splits.Count, loaded.Splits.Count);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void Generate_ExistingNonEmptyDirectory_ThrowsAndLeavesItAlone()
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            File.WriteAllText(Path.Combine(root, "keep.txt"), "x");
            Assert.ThrowsExactly<OutputExistsException>(() => new SyntheticGenerator(SyntheticPreset.Tiny, 1).Generate(root));
            CollectionAssert.AreEqual(new[] { "keep.txt" }, Directory.GetFileSystemEntries(root).Select(Path.GetFileName).ToArray());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void Generate_Tiny_ReadsBackThroughTheDataViewExactly()
    {
        string root = TestPaths.NewTempDirectory();
        try
        {
            string dir = Path.Combine(root, "tiny");
            var generator = new SyntheticGenerator(SyntheticPreset.Tiny, 4);
            generator.Generate(dir);
            var rows = Tests.Data.DataViewReading.ReadAll(new MLContext(seed: 0).Data.LoadFromAvqaDataset(dir, "val"));
            var videos = generator.Stream("val").ToDictionary(v => v.VideoId);
            var expected = videos.Values.SelectMany(v => v.Questions).ToDictionary(q => q.Record.QuestionId, q => q.Record);
            Assert.HasCount(expected.Count, rows);
            foreach (var row in rows)
            {
                var q = expected[row.QuestionId];
                Assert.AreEqual((q.VideoId, q.Question, q.Type.ToString(), q.Template, q.Answer), (row.VideoId, row.Question, row.Type, row.Template, row.Answer));
                CollectionAssert.AreEqual(videos[row.VideoId].Features!.Audio, row.Audio);
                CollectionAssert.AreEqual(videos[row.VideoId].Features!.Visual, row.Visual);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(List<SyntheticProgress> sink) : IProgress<SyntheticProgress>
    {
        public void Report(SyntheticProgress value) => sink.Add(value);
    }
}
