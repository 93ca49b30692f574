using Microsoft.ML.MissingModality.Diffusion;
using Microsoft.ML.MissingModality.Modeling;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Training;

[TestClass]
public sealed class ChunkedObjectiveTests
{
    private static readonly RecallShape Shape = new(Segments: 2, AudioDim: 4, VisualChannels: 3, VisualPositions: 4);

    // Five complete rows of random features and tokens.
    private static TrainingBatch Batch()
    {
        var batch = new TrainingBatch(5, Shape.Segments * Shape.AudioDim, Shape.Segments * Shape.VisualSlotSize, questionLength: 3, questionIsTokens: true) { Count = 5 };
        var random = new Random(7);
        foreach (var array in new[] { batch.Audio, batch.Visual })
            for (int i = 0; i < array.Length; i++) array[i] = (float)(random.NextDouble() * 2 - 1);
        for (int i = 0; i < batch.Tokens!.Length; i++) batch.Tokens[i] = 1 + random.Next(5);
        return batch;
    }

    private static (float Loss, double Metric, Dictionary<string, float[]> Gradients) Step(ITrainingObjective objective, TrainingBatch batch)
    {
        using var scope = NewDisposeScope();
        objective.Network.zero_grad();
        var result = objective.TrainStep(batch, CPU);
        Assert.IsTrue(result.GradientsComputed);
        var gradients = objective.Network.named_parameters().Where(p => p.parameter.grad is not null)
            .ToDictionary(p => p.name, p => p.parameter.grad!.data<float>().ToArray());
        return (result.Loss!.item<float>(), result.MetricSum, gradients);
    }

    private static void AssertSame((float Loss, double Metric, Dictionary<string, float[]> Gradients) whole,
        (float Loss, double Metric, Dictionary<string, float[]> Gradients) chunked)
    {
        Assert.AreEqual(whole.Loss, chunked.Loss, 1e-5 * Math.Max(1, Math.Abs(whole.Loss)));
        Assert.AreEqual(whole.Metric, chunked.Metric, 1e-4);
        AssertSameGradients(whole.Gradients, chunked.Gradients);
    }

    /// <summary>The same parameters have gradients, equal to 1e-4 of each parameter's largest.</summary>
    internal static void AssertSameGradients(Dictionary<string, float[]> whole, Dictionary<string, float[]> chunked)
    {
        Assert.IsTrue(whole.Count > 0);
        CollectionAssert.AreEquivalent(whole.Keys.ToArray(), chunked.Keys.ToArray());
        foreach (var (name, expected) in whole)
        {
            float scale = Math.Max(1e-3f, expected.Max(Math.Abs));
            for (int i = 0; i < expected.Length; i++)
                Assert.AreEqual(expected[i], chunked[name][i], 1e-4 * scale, $"{name}[{i}]");
        }
    }

    private static RmmConfig SmallRmm() => new()
    {
        Segments = Shape.Segments, AudioDim = Shape.AudioDim, VisualChannels = Shape.VisualChannels, VisualPositions = Shape.VisualPositions,
        VocabularySize = 6, QuestionHiddenSize = 8, Slots = 5, Addressing = SlotAddressing.Cosine,
    };

    [TestMethod]
    public void RunEpoch_RmmBatchArrivingInChunksOfTwoAndThree_OneStepWithTheWholeBatchsGradients()
    {
        // The generator back-propagates each chunk itself: the loop's rescaling must still weigh every row the same.
        var config = SmallRmm();
        var batch = Batch();
        for (int i = 0; i < batch.Count; i++) batch.Labels[i] = 0;
        (float Loss, double Metric, Dictionary<string, float[]> Gradients) Epoch(IBatchSource source)
        {
            using var scope = NewDisposeScope();
            var objective = new RmmObjective(new RmmNetwork(config, new Generator(1)));
            using var optimizer = TrainingLoop.CreateOptimizer(objective, 1e-3);
            int steps = 0;
            var (loss, metric) = TrainingLoop.RunEpoch(objective, optimizer, source, epoch: 1, CPU, (_, _) => steps++, default);
            Assert.AreEqual(1, steps);
            return ((float)loss, metric * batch.Count, objective.Network.named_parameters().Where(p => p.parameter.grad is not null)
                .ToDictionary(p => p.name, p => p.parameter.grad!.data<float>().ToArray()));
        }

        var whole = Epoch(new ChunkedBatchStepTests.Batches(batch));
        var chunked = Epoch(new ChunkedBatchStepTests.Batches(
            ChunkedBatchStepTests.Chunk(batch, 0, 2, endsStep: false), ChunkedBatchStepTests.Chunk(batch, 2, 3, endsStep: true)));
        AssertSame(whole, chunked);
    }

    [TestMethod]
    public void AveTrainStep_RowsInChunksOfTwo_SameDrawsLossAndGradientsAsTheWholeBatch()
    {
        var config = new AvrConfig { AudioDim = Shape.AudioDim, VisualChannels = Shape.VisualChannels, VisualHeight = 2, VisualWidth = 2, Width = 8, Blocks = 1 };
        AveObjective Objective(int chunkRows) => new(
            new AudioVisualDiffusion(new AvrNetwork(config, new Generator(1)), new DiffusionScheduler(BetaSchedule.Sigmoid, 10), DiffusionPrediction.Noise),
            Shape, seed: 3, chunkRows);
        var batch = Batch();
        using var whole = Objective(5);
        using var chunked = Objective(2);
        AssertSame(Step(whole, batch), Step(chunked, batch));
    }

    [TestMethod]
    [DataRow(64, 3_014_400L, true, 11)]    // the full method's answerer at MUSIC-AVQA's shapes: 11 × 5 and 9 rows
    [DataRow(64, 3_014_400L, false, 22)]   // the same rows within the larger budget: 22, 22, 20
    [DataRow(64, 1_004_800L, false, 64)]   // AVST alone there: its batch of 64 stays whole
    [DataRow(64, 100_000_000L, false, 1)]  // a row above the budget: one row at a time
    [DataRow(10, 3_014_400L, true, 10)]
    public void Balanced_AnswererBudget_FewestEqualChunksThatFit(int batchSize, long floatsPerRow, bool recalled, int expected)
    {
        long budget = recalled ? RowChunks.RecalledAnswererBatchBudgetBytes : RowChunks.AnswererBatchBudgetBytes;
        int rows = RowChunks.Balanced(batchSize, floatsPerRow, budget);
        Assert.AreEqual(expected, rows);
        if (rows > 1)
            Assert.IsLessThanOrEqualTo(budget, rows * floatsPerRow * sizeof(float));
    }

    [TestMethod]
    public void Rows_MusicAvqaShapes_EightRowsPerChunk()
    {
        var music = new RecallShape(Segments: 10, AudioDim: 128, VisualChannels: 512, VisualPositions: 196);
        var demo = new RecallShape(Segments: 10, AudioDim: 128, VisualChannels: 64, VisualPositions: 49);
        Assert.AreEqual(8, RowChunks.Rows(64, music.RowFloats));
        Assert.AreEqual(64, RowChunks.Rows(64, demo.RowFloats));
        Assert.AreEqual(4, RowChunks.Rows(4, music.RowFloats));
        Assert.AreEqual(1, RowChunks.Rows(64, long.MaxValue / 8));
    }

    [TestMethod]
    public void Ranges_SevenRowsInThrees_CoversEveryRowOnceInOrder()
    {
        CollectionAssert.AreEqual(new[] { (0, 3), (3, 3), (6, 1) }, RowChunks.Ranges(7, 3).ToArray());
        Assert.AreEqual(0, RowChunks.Ranges(0, 3).Count());
    }
}
