using Microsoft.ML.Data;

namespace Microsoft.ML.MissingModality.Tests.Scoring;

[TestClass]
public sealed class BatchedTransformTests
{
    private sealed class Row
    {
        public string Id { get; set; } = "";
        public float Weight { get; set; }
        [VectorType(3)] public float[] Visual { get; set; } = [];
        [VectorType(2)] public float[] Audio { get; set; } = [];
    }

    private sealed class Scored
    {
        public string Id { get; set; } = "";
        public float Weight { get; set; }
        public float[] Visual { get; set; } = [];
        public float[] RecalledFeatures { get; set; } = [];
    }

    private static List<Row> Rows(int count) => Enumerable.Range(0, count).Select(i => new Row
    {
        Id = $"row-{i}", Weight = i * 0.5f,
        Visual = [i, -i, i % 7], Audio = [2 * i + 1, i % 7 - i],
    }).ToList();

    [TestMethod]
    [DataRow(1)]
    [DataRow(64)]
    [DataRow(150)]
    public void Transform_ScoresInBatches_SameAsRowByRowAndKeepsPassthroughColumns(int count)
    {
        var context = new MLContext(seed: 1);
        var rows = Rows(count);
        var data = context.Data.LoadFromEnumerable(rows);
        var model = context.MissingModality().LinearRecall("RecalledFeatures", "Visual", "Audio", 1e-3).Fit(data);

        var batched = context.Data.CreateEnumerable<Scored>(model.Transform(data), reuseRowObject: false).ToList();
        var engine = context.Model.CreatePredictionEngine<Row, Scored>(model);

        Assert.HasCount(count, batched);
        for (int i = 0; i < count; i++)
        {
            Assert.AreEqual(rows[i].Id, batched[i].Id);
            Assert.AreEqual(rows[i].Weight, batched[i].Weight);
            CollectionAssert.AreEqual(rows[i].Visual, batched[i].Visual);
            var single = engine.Predict(rows[i]).RecalledFeatures;
            for (int k = 0; k < single.Length; k++)
                Assert.AreEqual(single[k], batched[i].RecalledFeatures[k], 1e-4f, $"row {i}, value {k}");
        }
    }

    [TestMethod]
    public void Transform_OnlyPassthroughRequested_DoesNotScore()
    {
        var context = new MLContext(seed: 1);
        var data = context.Data.LoadFromEnumerable(Rows(10));
        var model = context.MissingModality().LinearRecall("RecalledFeatures", "Visual", "Audio", 1e-3).Fit(data);
        var output = model.Transform(data);
        using var cursor = output.GetRowCursor([output.Schema["Id"]]);
        Assert.IsFalse(cursor.IsColumnActive(output.Schema["RecalledFeatures"]));
        Assert.IsFalse(cursor.IsColumnActive(output.Schema["Visual"]));
        var getId = cursor.GetGetter<ReadOnlyMemory<char>>(output.Schema["Id"]);
        int seen = 0;
        ReadOnlyMemory<char> id = default;
        while (cursor.MoveNext())
        {
            getId(ref id);
            Assert.AreEqual($"row-{seen++}", id.ToString());
        }
        Assert.AreEqual(10, seen);
    }

    [TestMethod]
    public void Transform_OutputShadowingAnInput_ReplacesItByName()
    {
        var context = new MLContext(seed: 1);
        var data = context.Data.LoadFromEnumerable(Rows(5));
        var model = context.MissingModality().LinearRecall("Audio", "Visual", "Audio", 1e-3).Fit(data);
        var output = model.Transform(data);
        Assert.AreEqual(data.Schema.Count + 1, output.Schema.Count);
        Assert.IsTrue(output.Schema[data.Schema["Audio"].Index].IsHidden);
        Assert.AreEqual(output.Schema.Count - 1, output.Schema["Audio"].Index);
    }
}
