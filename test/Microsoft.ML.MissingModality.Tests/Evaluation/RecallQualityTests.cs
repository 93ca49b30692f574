using Microsoft.ML.Data;

namespace Microsoft.ML.MissingModality.Tests.Evaluation;

[TestClass]
public sealed class RecallQualityTests
{
    private sealed class Row
    {
        [VectorType(2, 2)] public float[] Audio { get; set; } = [];
        [VectorType(2, 3)] public float[] Visual { get; set; } = [];
        [VectorType(4)] public float[] RecalledAudio { get; set; } = [];
        [VectorType(6)] public float[] RecalledVisual { get; set; } = [];
        public bool AudioMissing { get; set; }
    }

    [TestMethod]
    public void EvaluateRecall_ExactZeroAndSkippedRows_AveragesOverCompleteRowsOnly()
    {
        float[] audio = [1, 2, 3, 4], visual = [1, 0, 0, 0, 2, 0];
        var rows = new[]
        {
            new Row { Audio = audio, Visual = visual, RecalledAudio = audio, RecalledVisual = visual },                      // exact
            new Row { Audio = audio, Visual = visual, RecalledAudio = [9, 9, 9, 9], RecalledVisual = [9, 9, 9, 9, 9, 9], AudioMissing = true }, // skipped
            new Row { Audio = audio, Visual = visual, RecalledAudio = new float[4], RecalledVisual = [0, 1, 0, 0, 2, 0] },   // zero audio; visual half right
        };
        var context = new MLContext(1);

        var quality = context.MissingModality().EvaluateRecall(context.Data.LoadFromEnumerable(rows));

        Assert.AreEqual(2L, quality.Rows);
        Assert.AreEqual((0 + (1 + 4 + 9 + 16) / 4.0) / 2, quality.AudioMse, 1e-9);
        Assert.AreEqual((1 + 0) / 2.0, quality.AudioCosine, 1e-9, "a zero recall has cosine 0");
        Assert.AreEqual((0 + 2 / 6.0) / 2, quality.VisualMse, 1e-9);
        Assert.AreEqual((1 + (0 + 1) / 2.0) / 2, quality.VisualCosine, 1e-9, "segment 1 orthogonal, segment 2 exact");
    }

    [TestMethod]
    public void EvaluateRecall_MissingColumn_NamesIt()
    {
        var context = new MLContext(1);
        var data = context.Data.LoadFromEnumerable(new[] { new { Audio = new float[4] } });

        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => context.MissingModality().EvaluateRecall(data));

        StringAssert.Contains(e.Message, "'Visual'");
    }
}
