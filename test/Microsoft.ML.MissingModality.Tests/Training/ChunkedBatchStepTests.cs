using Microsoft.ML.MissingModality.Modeling;
using Microsoft.ML.MissingModality.Tests.Modeling;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Training;

/// <summary>A training batch that arrives in chunks is one optimiser step with the whole batch's loss and gradient.</summary>
[TestClass]
public sealed class ChunkedBatchStepTests
{
    private const int Rows = 6;

    // Six rows with recalled pairs (Eq. 8): rows 1 and 4 without audio, row 2 without picture, the rest complete.
    private static TrainingBatch Whole(AvstConfig c)
    {
        var batch = new TrainingBatch(Rows, c.Segments * c.AudioDim, c.Segments * c.VisualChannels * c.VisualPositions, c.MaxQuestionTokens,
            questionIsTokens: true, hasRecalled: true) { Count = Rows };
        var random = new Random(5);
        foreach (var array in new[] { batch.Audio, batch.Visual, batch.RecalledAudio!, batch.RecalledVisual! })
            for (int i = 0; i < array.Length; i++) array[i] = (float)(random.NextDouble() * 2 - 1);
        for (int i = 0; i < batch.Tokens!.Length; i++) batch.Tokens[i] = 1 + random.Next(c.VocabularySize - 1);
        foreach (int row in new[] { 1, 4 })
        {
            batch.AudioMissing[row] = true;
            Array.Clear(batch.Audio, row * batch.AudioLength, batch.AudioLength);
        }
        batch.VisualMissing[2] = true;
        Array.Clear(batch.Visual, 2 * batch.VisualLength, batch.VisualLength);
        for (int i = 0; i < Rows; i++) { batch.Labels[i] = i % 3; batch.VideoKeys[i] = i; }
        return batch;
    }

    /// <summary>Rows start..start+count-1 of a batch as a batch of their own.</summary>
    internal static TrainingBatch Chunk(TrainingBatch whole, int start, int count, bool endsStep)
    {
        var chunk = new TrainingBatch(count, whole.AudioLength, whole.VisualLength, whole.QuestionLength, questionIsTokens: true,
            hasRecalled: whole.RecalledAudio is not null) { Count = count, EndsStep = endsStep };
        void Copy<T>(T[]? from, T[]? to, int length)
        {
            if (from is not null && to is not null)
                Array.Copy(from, start * length, to, 0, count * length);
        }
        Copy(whole.Audio, chunk.Audio, whole.AudioLength);
        Copy(whole.RecalledAudio, chunk.RecalledAudio, whole.AudioLength);
        Copy(whole.Visual, chunk.Visual, whole.VisualLength);
        Copy(whole.RecalledVisual, chunk.RecalledVisual, whole.VisualLength);
        Copy(whole.Tokens, chunk.Tokens, whole.QuestionLength);
        Copy(whole.AudioMissing, chunk.AudioMissing, 1);
        Copy(whole.VisualMissing, chunk.VisualMissing, 1);
        Copy(whole.Labels, chunk.Labels, 1);
        Copy(whole.VideoKeys, chunk.VideoKeys, 1);
        return chunk;
    }

    /// <summary>A source that yields the given batches, in order, every pass.</summary>
    internal sealed class Batches(params TrainingBatch[] batches) : IBatchSource
    {
        public IEnumerable<TrainingBatch> ReadEpoch(int epoch) => batches;
    }

    // One epoch over the source from the same initial weights: the epoch's loss, its steps and the gradients the step used.
    private static (double Loss, int Steps, Dictionary<string, float[]> Gradients) Epoch(AvstConfig config, IBatchSource source)
    {
        using var scope = NewDisposeScope();
        var network = new AvstNetwork(config, new Generator(1));
        using var objective = new AvstObjective(network, seed: 1);
        using var optimizer = TrainingLoop.CreateOptimizer(objective, 1e-3);
        int steps = 0;
        var (loss, _) = TrainingLoop.RunEpoch(objective, optimizer, source, epoch: 1, CPU, (_, _) => steps++, default);
        var gradients = network.named_parameters().Where(p => p.parameter.grad is not null)
            .ToDictionary(p => p.name, p => p.parameter.grad!.data<float>().ToArray());
        return (loss, steps, gradients);
    }

    private static void AssertSameStep((double Loss, int Steps, Dictionary<string, float[]> Gradients) whole,
        (double Loss, int Steps, Dictionary<string, float[]> Gradients) chunked)
    {
        Assert.AreEqual(1, whole.Steps);
        Assert.AreEqual(1, chunked.Steps, "the chunks of one batch are one step");
        Assert.AreEqual(whole.Loss, chunked.Loss, 1e-5 * Math.Max(1, Math.Abs(whole.Loss)));
        ChunkedObjectiveTests.AssertSameGradients(whole.Gradients, chunked.Gradients);
    }

    [TestMethod]
    public void RunEpoch_BatchInChunksOfTwo_OneStepWithTheWholeBatchsLossAndGradients()
    {
        // No dropout and no matching loss: those draw per chunk, so only they may differ from the whole batch.
        var config = AvstTestData.Config() with { Dropout = 0, MatchingLossWeight = 0 };
        var whole = Whole(config);
        var chunked = new Batches(Chunk(whole, 0, 2, endsStep: false), Chunk(whole, 2, 2, endsStep: false), Chunk(whole, 4, 2, endsStep: true));
        AssertSameStep(Epoch(config, new Batches(whole)), Epoch(config, chunked));
    }

    [TestMethod]
    [DataRow(false, 0L)] // the test batch: kilobytes
    [DataRow(true, 1L)]  // the same rows in buffers of ≥ 64 MiB (MUSIC-AVQA's full method): one trim for the step's three chunks
    public void RunEpoch_StepOverLargeBuffers_TrimsNativeMemoryOncePerStep(bool large, long expectedTrims)
    {
        var config = AvstTestData.Config() with { Dropout = 0, MatchingLossWeight = 0 };
        var whole = Whole(config);
        int capacity = large ? (int)(TrainingLoop.TrimAfterFeatureBytes / 3 / sizeof(float) / (whole.AudioLength + whole.VisualLength) / 2 + 1) : 2;
        var chunks = new Batches(Enumerable.Range(0, 3).Select(k => Resized(Chunk(whole, 2 * k, 2, endsStep: k == 2), capacity)).ToArray());
        long before = Internal.ProcessMemory.NativeTrims;

        Epoch(config, chunks);

        Assert.AreEqual(expectedTrims, Internal.ProcessMemory.NativeTrims - before);
    }

    [TestMethod]
    public void Evaluate_LargeBuffers_TrimsNativeMemoryOncePerBatch()
    {
        var config = AvstTestData.Config() with { Dropout = 0, MatchingLossWeight = 0 };
        var whole = Whole(config);
        int capacity = (int)(TrainingLoop.TrimAfterFeatureBytes / sizeof(float) / (whole.AudioLength + whole.VisualLength) / 2 + 1);
        var batches = new Batches(Resized(Chunk(whole, 0, 3, endsStep: true), capacity), Resized(Chunk(whole, 3, 3, endsStep: true), capacity));
        using var scope = NewDisposeScope();
        using var objective = new AvstObjective(new AvstNetwork(config, new Generator(1)), seed: 1);
        long before = Internal.ProcessMemory.NativeTrims;

        TrainingLoop.Evaluate(objective, batches, CPU);

        Assert.AreEqual(2L, Internal.ProcessMemory.NativeTrims - before);
    }

    // The chunk's rows in a batch of larger capacity (the rows trained are the same; only the buffers grow).
    private static TrainingBatch Resized(TrainingBatch chunk, int capacity)
    {
        if (capacity == chunk.Capacity)
            return chunk;
        var resized = new TrainingBatch(capacity, chunk.AudioLength, chunk.VisualLength, chunk.QuestionLength, questionIsTokens: true, hasRecalled: true)
            { Count = chunk.Count, EndsStep = chunk.EndsStep };
        foreach (var (from, to) in new[] { (chunk.Audio, resized.Audio), (chunk.Visual, resized.Visual), (chunk.RecalledAudio!, resized.RecalledAudio!), (chunk.RecalledVisual!, resized.RecalledVisual!) })
            Array.Copy(from, to, from.Length);
        Array.Copy(chunk.Tokens!, resized.Tokens!, chunk.Tokens!.Length);
        Array.Copy(chunk.AudioMissing, resized.AudioMissing, chunk.Count);
        Array.Copy(chunk.VisualMissing, resized.VisualMissing, chunk.Count);
        Array.Copy(chunk.Labels, resized.Labels, chunk.Count);
        Array.Copy(chunk.VideoKeys, resized.VideoKeys, chunk.Count);
        return resized;
    }

    [TestMethod]
    public void RunEpoch_PassEndsBeforeTheLastChunkIsMarked_StillTakesTheStep()
    {
        var config = AvstTestData.Config() with { Dropout = 0, MatchingLossWeight = 0 };
        var whole = Whole(config);
        var unfinished = new Batches(Chunk(whole, 0, 4, endsStep: false), Chunk(whole, 4, 2, endsStep: false));
        AssertSameStep(Epoch(config, new Batches(whole)), Epoch(config, unfinished));
    }
}
