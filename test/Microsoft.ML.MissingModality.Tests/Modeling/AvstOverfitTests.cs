using System.Diagnostics;
using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Modeling;

[TestClass]
public sealed class AvstOverfitTests
{
    [TestMethod]
    public void Train_AnswerIsWhichAudioPrototypeIsPresent_ReachesNinetyPercentTrainAccuracy()
    {
        // 32 examples; the answer is which of 3 audio prototypes every segment carries (plus noise). Visual features and
        // questions are noise. Reaching ≥ 90% shows gradients flow from the answer loss through fusion, temporal attention
        // and the audio encoder (with the matching loss on as well).
        const int examples = 32, prototypes = 3, maxSteps = 300;
        var config = AvstTestData.Config() with { HiddenSize = 16, WordEmbeddingSize = 8, AnswerCount = prototypes };
        var generator = new Generator(2024);
        random.manual_seed(2024); // dropout draws from the global generator; fixed here so the test is reproducible
        var network = new AvstNetwork(config, generator);
        var batch = AvstTestData.Batch(config, examples, seed: 5);
        var answers = randint(0, prototypes, [examples], dtype: int64, generator: generator);
        var centres = randn([prototypes, config.AudioDim], generator: generator) * 2;
        batch = batch with { Audio = AudioFor(centres, answers, config, generator) };

        var clock = Stopwatch.StartNew();
        var optimizer = optim.Adam(network.parameters(), lr: 1e-2);
        double accuracy = 0;
        int step = 0;
        while (step < maxSteps && accuracy < 0.9)
        {
            network.train();
            for (int i = 0; i < 20; i++, step++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var output = network.call(batch);
                network.Loss(output, answers, generator).backward();
                optimizer.step();
            }
            accuracy = TrainAccuracy(network, batch, answers);
        }

        Console.WriteLine($"train accuracy {accuracy:P0} after {step} steps in {clock.Elapsed.TotalSeconds:F1} s (wall clock; the machine is shared)");
        Assert.IsGreaterThanOrEqualTo(0.9, accuracy, $"train accuracy {accuracy:P0} after {step} steps");

        // Fresh rows (new noise, visual features and questions) with the same prototypes: only the audio path can
        // explain the answers there, so this rules out memorising the 32 rows through the question or visual inputs.
        var freshAnswers = randint(0, prototypes, [examples], dtype: int64, generator: generator);
        var fresh = AvstTestData.Batch(config, examples, seed: 6) with { Audio = AudioFor(centres, freshAnswers, config, generator) };
        double heldOut = TrainAccuracy(network, fresh, freshAnswers);
        Assert.IsGreaterThanOrEqualTo(0.8, heldOut, $"accuracy on fresh rows {heldOut:P0}");
    }

    private static Tensor AudioFor(Tensor centres, Tensor answers, AvstConfig config, Generator generator) =>
        centres.index_select(0, answers).unsqueeze(1)
        + randn([answers.shape[0], config.Segments, config.AudioDim], generator: generator) * 0.3;

    private static double TrainAccuracy(AvstNetwork network, AvstBatch batch, Tensor answers)
    {
        network.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return network.call(batch).Logits.argmax(1).eq(answers).to(float32).mean().item<float>();
    }
}
