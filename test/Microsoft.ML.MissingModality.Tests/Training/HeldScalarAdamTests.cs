using Microsoft.ML.MissingModality.Training;
using TorchSharp;
using static TorchSharp.torch;
using AdamModule = TorchSharp.Modules.Adam;

namespace Microsoft.ML.MissingModality.Tests.Training;

[TestClass]
public sealed class HeldScalarAdamTests
{
    [TestMethod]
    public void Step_UnfusedTwoGroupsWithStepDecay_SameWeightsBitForBitAsTorchSharpAdam()
    {
        var (reference, referenceInput) = Network(seed: 3);
        var (held, heldInput) = Network(seed: 3);
        using var referenceOptimizer = new AdamModule(Groups(reference), 1e-2);
        using var heldOptimizer = new HeldScalarAdam(Groups(held), 1e-2) { Fuse = false };
        TrainSideBySide(referenceOptimizer, () => Step(reference, referenceInput, referenceOptimizer),
            heldOptimizer, () => Step(held, heldInput, heldOptimizer));

        var expected = reference.parameters().ToArray();
        var actual = held.parameters().ToArray();
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(0f, MaxDifference(expected[i], actual[i]), $"parameter {i}");
        Assert.IsGreaterThan(0f, MaxDifference(expected[0], Network(seed: 3).Module.parameters().First()), "the weights never moved");
        Assert.AreEqual(1e-3 * Math.Pow(0.1, 4), heldOptimizer.ParamGroups.Last().LearningRate, 1e-12, "StepLR drives the held-scalar Adam's groups");
    }

    [TestMethod]
    public void Step_FusedAgainstLibtorchOperations_EqualUpToFloatRounding()
    {
        // The loss is linear in the weights, so every step sees the same gradients on both sides and any difference is
        // the update's own rounding, not amplified through a network. 300 × 300 weights (more than one 65,536-float
        // chunk: split over threads), and 3- and 35-element ones (vector tails).
        long[][] shapes = [[300, 300], [3], [7, 5]];
        var fused = Parameters(shapes, seed: 5);
        var operations = Parameters(shapes, seed: 5);
        var initial = Parameters(shapes, seed: 5);
        var coefficients = Parameters(shapes, seed: 6);
        using var fusedOptimizer = new HeldScalarAdam([new(fused.Take(1), lr: 1e-2), new(fused.Skip(1), lr: 1e-3)], 1e-2);
        using var operationsOptimizer = new HeldScalarAdam([new(operations.Take(1), lr: 1e-2), new(operations.Skip(1), lr: 1e-3)], 1e-2) { Fuse = false };
        TrainSideBySide(fusedOptimizer, () => LinearStep(fused, coefficients, fusedOptimizer),
            operationsOptimizer, () => LinearStep(operations, coefficients, operationsOptimizer));

        for (int i = 0; i < shapes.Length; i++)
        {
            float moved = MaxDifference(operations[i], initial[i]);
            Assert.IsGreaterThan(1e-4f, moved, $"parameter {i} moved");
            float difference = MaxDifference(operations[i], fused[i]);
            Assert.IsLessThanOrEqualTo(1e-5f * moved, difference, $"parameter {i}: difference {difference}, moved {moved}");
        }
        using var a = new MemoryStream();
        using var b = new MemoryStream();
        using (var writer = new BinaryWriter(a, System.Text.Encoding.UTF8, leaveOpen: true)) fusedOptimizer.SaveMoments(writer);
        using (var writer = new BinaryWriter(b, System.Text.Encoding.UTF8, leaveOpen: true)) operationsOptimizer.SaveMoments(writer);
        Assert.AreEqual(b.Length, a.Length, "the same moment state, saved the same way");
    }

    // Twelve steps of each side in turn, both under the same step decay (a tenth every three steps).
    private static void TrainSideBySide(optim.Optimizer first, Action firstStep, optim.Optimizer second, Action secondStep)
    {
        var firstSchedule = optim.lr_scheduler.StepLR(first, 3, 0.1);
        var secondSchedule = optim.lr_scheduler.StepLR(second, 3, 0.1);
        for (int step = 0; step < 12; step++)
        {
            firstStep();
            secondStep();
            firstSchedule.step();
            secondSchedule.step();
        }
    }

    private static TorchSharp.Modules.Parameter[] Parameters(long[][] shapes, int seed)
    {
        using var generator = new Generator((ulong)seed);
        return shapes.Select(shape => new TorchSharp.Modules.Parameter(randn(shape, generator: generator))).ToArray();
    }

    private static void LinearStep(TorchSharp.Modules.Parameter[] parameters, TorchSharp.Modules.Parameter[] coefficients, optim.Optimizer optimizer)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        for (int i = 0; i < parameters.Length; i++)
            (parameters[i] * coefficients[i].detach()).sum().backward();
        optimizer.step();
    }

    [TestMethod]
    public void Step_WeightDecayRequested_NotSupported()
    {
        var (module, input) = Network(seed: 1);
        using var optimizer = new HeldScalarAdam([new AdamModule.ParamGroup(module.parameters(), lr: 1e-3, weight_decay: 0.1)], 1e-3);
        module.forward(input).sum().backward();
        Assert.ThrowsExactly<NotSupportedException>(() => optimizer.step());
    }

    // Two groups at different rates, as the joint trainer builds them; the second layer's rate is a tenth.
    private static AdamModule.ParamGroup[] Groups(nn.Module<Tensor, Tensor> module)
    {
        var parameters = module.parameters().ToArray();
        return [new(parameters.Take(2), lr: 1e-2), new(parameters.Skip(2), lr: 1e-3)];
    }

    private static (nn.Module<Tensor, Tensor> Module, Tensor Input) Network(int seed)
    {
        manual_seed(seed);
        var module = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3));
        return (module, randn(5, 6));
    }

    private static float MaxDifference(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    private static void Step(nn.Module<Tensor, Tensor> module, Tensor input, optim.Optimizer optimizer)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        module.forward(input).pow(2).mean().backward();
        optimizer.step();
    }
}
