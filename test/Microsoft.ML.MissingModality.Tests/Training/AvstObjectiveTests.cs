using Microsoft.ML.MissingModality.Modeling;
using Microsoft.ML.MissingModality.Tests.Modeling;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Training;

[TestClass]
public sealed class AvstObjectiveTests
{
    // Row 0 complete, row 1 without audio, row 2 without picture.
    private static TrainingBatch Batch(AvstConfig config, bool withRecalled)
    {
        var c = config;
        var batch = new TrainingBatch(3, c.Segments * c.AudioDim, c.Segments * c.VisualChannels * c.VisualPositions, c.MaxQuestionTokens, questionIsTokens: true, withRecalled)
        {
            Count = 3,
        };
        var random = new Random(4);
        foreach (var array in new[] { batch.Audio, batch.Visual, batch.RecalledAudio, batch.RecalledVisual }.OfType<float[]>())
            for (int i = 0; i < array.Length; i++) array[i] = (float)(random.NextDouble() * 2 - 1);
        for (int i = 0; i < batch.Tokens!.Length; i++) batch.Tokens[i] = 1 + random.Next(c.VocabularySize - 1);
        batch.AudioMissing[1] = true;
        batch.VisualMissing[2] = true;
        Array.Clear(batch.Audio, batch.AudioLength, batch.AudioLength);
        Array.Clear(batch.Visual, 2 * batch.VisualLength, batch.VisualLength);
        for (int i = 0; i < 3; i++) { batch.Labels[i] = i; batch.VideoKeys[i] = i; }
        return batch;
    }

    [TestMethod]
    public void TrainStepAndEvaluate_VisualRowsReferencedInPlace_SameLossGradientsAndMetricAsOneTensor()
    {
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config() with { Dropout = 0 };
        var copied = Batch(config, withRecalled: false);
        var referenced = new TrainingBatch(3, copied.AudioLength, copied.VisualLength, copied.QuestionLength, questionIsTokens: true, referenceVisualRows: true) { Count = 3 };
        copied.Audio.CopyTo(referenced.Audio, 0);
        copied.Tokens!.CopyTo(referenced.Tokens!, 0);
        copied.Labels.CopyTo(referenced.Labels, 0);
        copied.VideoKeys.CopyTo(referenced.VideoKeys, 0);
        copied.AudioMissing.CopyTo(referenced.AudioMissing, 0);
        copied.VisualMissing.CopyTo(referenced.VisualMissing, 0);
        var owner = new Microsoft.ML.MissingModality.Data.DecodedVideoGroup();
        for (int row = 0; row < 2; row++)
        {
            owner.AddLease();
            referenced.ReferenceVisualRow(row, copied.Visual.AsSpan(row * copied.VisualLength, copied.VisualLength).ToArray(), owner);
        }
        referenced.ZeroVisualRow(2); // row 2 has no picture

        var losses = new float[2];
        var metrics = new double[2];
        var gradients = new Dictionary<string, Tensor>[2];
        var batches = new[] { copied, referenced };
        for (int run = 0; run < 2; run++)
        {
            var network = new AvstNetwork(config, new Generator(1));
            using var objective = new AvstObjective(network, seed: 1);
            var loss = objective.TrainStep(batches[run], CPU).Loss!;
            loss.backward();
            losses[run] = loss.item<float>();
            gradients[run] = network.named_parameters().Where(p => p.parameter.grad is not null).ToDictionary(p => p.name, p => p.parameter.grad!.clone());
            metrics[run] = objective.Evaluate(batches[run], CPU).MetricSum;
        }

        // The same kernels on the same values; libtorch's threaded reductions may still add in another order.
        Assert.AreEqual(losses[0], losses[1], 1e-6 * Math.Abs(losses[0]));
        Assert.AreEqual(metrics[0], metrics[1]);
        Assert.HasCount(gradients[0].Count, gradients[1]);
        // Relative to the largest gradient: some (the attention keys' biases) are zero up to rounding.
        float scale = gradients[0].Values.Max(g => g.abs().max().item<float>());
        foreach (var (name, expected) in gradients[0])
            Assert.IsLessThan(1e-5f * scale, (expected - gradients[1][name]).abs().max().item<float>(), name);
        Assert.IsTrue(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(referenced.VisualRows!.Value[0], out var first));
        Assert.HasCount(copied.VisualLength, first.Array!, "read in place: the rows were not copied into the batch");
    }

    [TestMethod]
    public void TrainStep_RecalledColumns_SumsEachCombinationOverTheRowsThatHaveIt()
    {
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config() with { Dropout = 0, MatchingLossWeight = 0 };
        var network = new AvstNetwork(config, new Generator(1));
        var batch = Batch(config, withRecalled: true);
        using var objective = new AvstObjective(network, seed: 1);

        var loss = objective.TrainStep(batch, CPU).Loss!.item<float>();

        var labels = tensor(new long[] { 0, 1, 2 });
        var question = tensor(batch.Tokens!, [3, config.MaxQuestionTokens]);
        Tensor Ce(float[] audio, float[] visual)
        {
            var flat = AvstBatch.FromFlat(tensor(audio, [3, batch.AudioLength]), tensor(visual, [3, batch.VisualLength]), question, config);
            return nn.functional.cross_entropy(network.call(flat).Logits, labels, reduction: nn.Reduction.None);
        }
        var real = Ce(batch.Audio, batch.Visual);
        var recalledAudio = Ce(batch.RecalledAudio!, batch.Visual);
        var recalledVisual = Ce(batch.Audio, batch.RecalledVisual!);
        // real pair: row 0 only; recalled audio: rows with a picture (0, 1); recalled picture: rows with audio (0, 2).
        float expected = (real[0] + recalledAudio[0] + recalledAudio[1] + recalledVisual[0] + recalledVisual[2]).item<float>() / 3;
        Assert.AreEqual(expected, loss, 1e-5);
    }

    [TestMethod]
    public void TrainStep_RecalledPairWeight_ScalesOnlyTheRecalledTerms()
    {
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config() with { Dropout = 0, MatchingLossWeight = 0 };
        var network = new AvstNetwork(config, new Generator(1));
        var batch = Batch(config, withRecalled: true);
        float Loss(double weight)
        {
            using var objective = new AvstObjective(network, seed: 1, recalledPairWeight: weight);
            return objective.TrainStep(batch, CPU).Loss!.item<float>();
        }

        float realOnly = Loss(0), full = Loss(1), quarter = Loss(0.25);
        Assert.AreEqual(realOnly + 0.25f * (full - realOnly), quarter, 1e-5);
        Assert.IsGreaterThan(realOnly, full);
    }

    [TestMethod]
    public void TrainStep_NoRecalledColumns_IsAvstLossOnTheZeroFilledPair()
    {
        using var scope = NewDisposeScope();
        var config = AvstTestData.Config() with { Dropout = 0, MatchingLossWeight = 0 };
        var network = new AvstNetwork(config, new Generator(1));
        var batch = Batch(config, withRecalled: false);
        using var objective = new AvstObjective(network, seed: 1);

        var loss = objective.TrainStep(batch, CPU).Loss!.item<float>();

        var flat = AvstBatch.FromFlat(tensor(batch.Audio, [3, batch.AudioLength]), tensor(batch.Visual, [3, batch.VisualLength]),
            tensor(batch.Tokens!, [3, config.MaxQuestionTokens]), config);
        float expected = nn.functional.cross_entropy(network.call(flat).Logits, tensor(new long[] { 0, 1, 2 })).item<float>();
        Assert.AreEqual(expected, loss, 1e-5);
    }

    [TestMethod]
    public void SubstituteRecalledForMissing_ScoringRows_TakeTheRecalledModalityWhereMissing()
    {
        var config = AvstTestData.Config();
        var batch = Batch(config, withRecalled: true);
        var audioBefore = batch.Audio.ToArray();
        batch.SubstituteRecalledForMissing();
        CollectionAssert.AreEqual(audioBefore[..batch.AudioLength], batch.Audio[..batch.AudioLength], "complete row unchanged");
        CollectionAssert.AreEqual(batch.RecalledAudio![batch.AudioLength..(2 * batch.AudioLength)], batch.Audio[batch.AudioLength..(2 * batch.AudioLength)]);
        CollectionAssert.AreEqual(batch.RecalledVisual![(2 * batch.VisualLength)..], batch.Visual[(2 * batch.VisualLength)..]);
    }
}
