using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Scenarios;

namespace Microsoft.ML.MissingModality.Tests.Scenarios;

[TestClass]
public sealed class MissingModalityScenarioTests
{
    private sealed class Row
    {
        public string QuestionId { get; set; } = "";
        [VectorType(4)] public float[] Audio { get; set; } = [];
        [VectorType(6)] public float[] Visual { get; set; } = [];
        public bool AudioMissing { get; set; }
        public bool VisualMissing { get; set; }
    }

    private sealed class Out
    {
        public string QuestionId { get; set; } = "";
        public float[] Audio { get; set; } = [];
        public float[] Visual { get; set; } = [];
        public bool AudioMissing { get; set; }
        public bool VisualMissing { get; set; }
    }

    private static List<Row> Rows(int count) => Enumerable.Range(0, count).Select(i => new Row
    {
        QuestionId = $"q{i}",
        Audio = Enumerable.Repeat(1f + i, 4).ToArray(),
        Visual = Enumerable.Repeat(-1f - i, 6).ToArray(),
    }).ToList();

    private static List<Out> Apply(MLContext context, IEnumerable<Row> rows, MissingModalityScenario scenario, int seed = 7)
    {
        var data = context.Data.LoadFromEnumerable(rows);
        var transformed = context.MissingModality().SimulateMissingModality(scenario, seed).Fit(data).Transform(data);
        return context.Data.CreateEnumerable<Out>(transformed, reuseRowObject: false).ToList();
    }

    [TestMethod]
    [DataRow("none", MissingModalityKind.None, 0.0, CorruptionProtocol.Remove)]
    [DataRow("audio", MissingModalityKind.Audio, 1.0, CorruptionProtocol.Remove)]
    [DataRow("Visual:0.25", MissingModalityKind.Visual, 0.25, CorruptionProtocol.Remove)]
    [DataRow("either:0.3+noise", MissingModalityKind.Either, 0.3, CorruptionProtocol.GaussianNoise)]
    public void Parse_CliForms(string text, MissingModalityKind modality, double ratio, CorruptionProtocol protocol)
    {
        var scenario = MissingModalityScenario.Parse(text);
        Assert.AreEqual(modality, scenario.Modality);
        Assert.AreEqual(ratio, scenario.Ratio, 1e-12);
        Assert.AreEqual(protocol, scenario.Protocol);
        Assert.AreEqual(scenario, MissingModalityScenario.Parse(scenario.ToString()));
    }

    [TestMethod]
    [DataRow("sound")]
    [DataRow("audio:1.5")]
    [DataRow("either:x")]
    [DataRow("audio:0.5:1")]
    public void Parse_Invalid_ThrowsFormatExceptionQuotingTheText(string text)
    {
        var error = Assert.ThrowsExactly<FormatException>(() => MissingModalityScenario.Parse(text));
        StringAssert.Contains(error.Message, text);
    }

    [TestMethod]
    public void Transform_AudioMissingRatioOne_ZeroesEveryAudioAndFlagsIt()
    {
        var outputs = Apply(new MLContext(1), Rows(20), MissingModalityScenario.Parse("audio"));
        Assert.IsTrue(outputs.All(o => o.AudioMissing && !o.VisualMissing));
        Assert.IsTrue(outputs.All(o => o.Audio.All(v => v == 0)));
        Assert.IsTrue(outputs.Select((o, i) => o.Visual.All(v => v == -1f - i)).All(b => b), "visual untouched");
    }

    [TestMethod]
    public void Transform_EitherHalf_AffectsAboutHalfAndNeverBoth()
    {
        var outputs = Apply(new MLContext(1), Rows(2000), MissingModalityScenario.Parse("either:0.5"));
        int audio = outputs.Count(o => o.AudioMissing), visual = outputs.Count(o => o.VisualMissing);
        Assert.IsFalse(outputs.Any(o => o.AudioMissing && o.VisualMissing));
        Assert.IsTrue(Math.Abs(audio + visual - 1000) < 100, $"{audio + visual} of 2000 affected");
        Assert.IsTrue(Math.Abs(audio - visual) < 120, $"audio {audio}, visual {visual}");
    }

    [TestMethod]
    public void Transform_SameSeed_SameRowsWhateverTheOrder_DifferentSeedDiffers()
    {
        var context = new MLContext(1);
        var rows = Rows(300);
        var scenario = MissingModalityScenario.Parse("visual:0.4");
        var forward = Apply(context, rows, scenario, seed: 3).ToDictionary(o => o.QuestionId, o => o.VisualMissing);
        var reversed = Apply(context, Enumerable.Reverse(rows), scenario, seed: 3).ToDictionary(o => o.QuestionId, o => o.VisualMissing);
        var otherSeed = Apply(context, rows, scenario, seed: 4).ToDictionary(o => o.QuestionId, o => o.VisualMissing);
        CollectionAssert.AreEquivalent(forward.ToList(), reversed.ToList());
        Assert.IsTrue(forward.Count(kv => kv.Value != otherSeed[kv.Key]) > 30);
    }

    [TestMethod]
    public void Transform_NoiseProtocol_AddsNoiseOfTheConfiguredSpreadWithoutFlagging()
    {
        var rows = Enumerable.Range(0, 50).Select(i => new Row
        {
            QuestionId = $"q{i}", Audio = new float[4], Visual = new float[6],
        }).ToList();
        var outputs = Apply(new MLContext(1), rows, MissingModalityScenario.Parse("audio+noise"));
        Assert.IsTrue(outputs.All(o => !o.AudioMissing && !o.VisualMissing));
        var audio = outputs.SelectMany(o => o.Audio).ToArray();
        double std = Math.Sqrt(audio.Select(v => (double)v * v).Average());
        Assert.AreEqual(0.3, std, 0.05);
        Assert.IsTrue(outputs.All(o => o.Visual.All(v => v == 0)));
    }

    [TestMethod]
    public void Transform_AlreadyMissingRows_StayMissing()
    {
        var rows = Rows(10);
        rows[4].VisualMissing = true;
        var outputs = Apply(new MLContext(1), rows, MissingModalityScenario.None);
        Assert.IsTrue(outputs[4].VisualMissing);
        Assert.AreEqual(1, outputs.Count(o => o.VisualMissing || o.AudioMissing));
    }

    [TestMethod]
    public void SaveLoad_SameOutputs()
    {
        var context = new MLContext(1);
        var data = context.Data.LoadFromEnumerable(Rows(40));
        var model = context.MissingModality().SimulateMissingModality(MissingModalityScenario.Parse("either:0.5+noise"), seed: 9).Fit(data);
        using var stream = new MemoryStream();
        context.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext(2).Model.Load(stream, out _);
        var before = context.Data.CreateEnumerable<Out>(model.Transform(data), false).ToList();
        var after = context.Data.CreateEnumerable<Out>(loaded.Transform(data), false).ToList();
        for (int i = 0; i < before.Count; i++)
        {
            CollectionAssert.AreEqual(before[i].Audio, after[i].Audio);
            CollectionAssert.AreEqual(before[i].Visual, after[i].Visual);
        }
    }

    [TestMethod]
    public void Fit_MistypedFlagColumn_NamesIt()
    {
        var context = new MLContext(1);
        var data = context.Data.LoadFromEnumerable(new[] { new { QuestionId = "q", AudioMissing = 1f } }
            .Select(_ => new BadRow { Audio = new float[2], Visual = new float[2], AudioMissing = 1f }));
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            context.MissingModality().SimulateMissingModality(MissingModalityScenario.Parse("audio")).Fit(data));
        StringAssert.Contains(error.Message, "'AudioMissing'");
    }

    private sealed class BadRow
    {
        [VectorType(2)] public float[] Audio { get; set; } = [];
        [VectorType(2)] public float[] Visual { get; set; } = [];
        public float AudioMissing { get; set; }
    }
}
