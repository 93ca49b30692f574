using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Modeling;

[TestClass]
public sealed class FusedGroundingTests
{
    private const float Floor = SpatialGrounding.NormFloor;

    [TestMethod]
    [DataRow(new long[] { 2, 3, 6, 5 })]        // fewer positions than a vector: the scalar tail only
    [DataRow(new long[] { 2, 2, 512, 196 })]    // MUSIC-AVQA's shapes: vectors and a tail
    [DataRow(new long[] { 3, 4, 6, 1 })]        // pooled features (P = 1)
    public void Pool_RandomMaps_EqualsLibtorchPooling(long[] shape)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var (query, visual) = Inputs(shape);
        var pooled = FusedGrounding.Pool(query, visual, Floor);
        var (attended, global) = SpatialGrounding.PoolWithLibtorch(query, visual);
        AssertClose(attended, pooled.select(-2, 0), "attended");
        AssertClose(global, pooled.select(-2, 1), "global");
    }

    [TestMethod]
    [DataRow(new long[] { 2, 3, 6, 5 })]
    [DataRow(new long[] { 2, 2, 512, 196 })]
    public void Pool_QueryRequiringGradient_SameGradientAsLibtorch(long[] shape)
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        var (query, visual) = Inputs(shape);
        var attendedWeight = randn(query.shape);
        var globalWeight = randn(query.shape);
        var fusedQuery = query.clone().requires_grad_(true);
        var pooled = FusedGrounding.Pool(fusedQuery, visual, Floor);
        (pooled.select(-2, 0).mul(attendedWeight).sum() + pooled.select(-2, 1).mul(globalWeight).sum()).backward();
        var libtorchQuery = query.clone().requires_grad_(true);
        var (attended, global) = SpatialGrounding.PoolWithLibtorch(libtorchQuery, visual);
        (attended.mul(attendedWeight).sum() + global.mul(globalWeight).sum()).backward();
        AssertClose(libtorchQuery.grad!, fusedQuery.grad!, "query gradient");
        Assert.IsGreaterThan(0f, fusedQuery.grad!.abs().sum().item<float>());
    }

    [TestMethod]
    public void Pool_ZeroFilledMaps_GivesZeroPoolsAndGradient()
    {
        // A missing picture is zero-filled: every norm is the floor, the softmax is uniform, and nothing is pooled.
        using var scope = NewDisposeScope();
        manual_seed(13);
        var query = nn.functional.normalize(randn(2, 3, 8), p: 2, dim: -1).requires_grad_(true);
        var pooled = FusedGrounding.Pool(query, zeros(2, 3, 8, 9), Floor);
        pooled.sum().backward();
        Assert.AreEqual(0f, pooled.abs().max().item<float>());
        Assert.AreEqual(0f, query.grad!.abs().max().item<float>());
    }

    [TestMethod]
    public void Pool_ContiguousViewAtAnOffset_ReadsTheViewsOwnMaps()
    {
        using var scope = NewDisposeScope();
        manual_seed(14);
        var (query, visual) = Inputs([5, 3, 16, 9]);
        var rows = visual.narrow(0, 2, 2);
        var queries = query.narrow(0, 2, 2);
        var (attended, _) = SpatialGrounding.PoolWithLibtorch(queries, rows);
        AssertClose(attended, FusedGrounding.Pool(queries, rows, Floor).select(-2, 0), "attended");
    }

    [TestMethod]
    public void Supports_MapRequiringGradient_IsFalse()
    {
        using var scope = NewDisposeScope();
        var (query, visual) = Inputs([1, 2, 4, 3]);
        Assert.IsTrue(FusedGrounding.Supports(query, visual));
        Assert.IsFalse(FusedGrounding.Supports(query, visual.clone().requires_grad_(true)));
        Assert.IsFalse(FusedGrounding.Supports(query, visual.transpose(-1, -2)));
        Assert.IsFalse(FusedGrounding.Supports(query.narrow(0, 0, 1), visual.expand(2, 2, 4, 3).contiguous()), "a query that would broadcast");
    }

    [TestMethod]
    public void SpatialGrounding_MapWithoutGradient_SameOutputAndGradientsAsLibtorchPath()
    {
        // The same module on the same map, once as data (the fused pooling) and once as a tensor that needs a gradient
        // (libtorch's operations): equal outputs, and equal gradients for every parameter and for the audio input.
        // Channels ≠ hidden, so that both projections take part.
        using var scope = NewDisposeScope();
        manual_seed(15);
        var grounding = new SpatialGrounding(visualChannels: 24, hiddenSize: 16);
        var audio = randn(3, 4, 16);
        var data = rand(3, 4, 24, 49);
        var gradients = new Dictionary<string, Tensor>[2];
        var audioGradients = new Tensor[2];
        var outputs = new Tensor[2];
        for (int run = 0; run < 2; run++)
        {
            grounding.zero_grad();
            var audioLeaf = audio.clone().requires_grad_(true);
            var visual = run == 0 ? data : data.clone().requires_grad_(true);
            outputs[run] = grounding.call(audioLeaf, visual);
            outputs[run].pow(2).sum().backward();
            gradients[run] = grounding.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
            audioGradients[run] = audioLeaf.grad!;
        }
        AssertClose(outputs[1], outputs[0], "output");
        AssertClose(audioGradients[1], audioGradients[0], "audio gradient");
        foreach (var (name, expected) in gradients[1])
            AssertClose(expected, gradients[0][name], name);
    }

    [TestMethod]
    [DataRow(new long[] { 3, 2, 6, 5 })]
    [DataRow(new long[] { 2, 2, 512, 196 })]
    public void Pool_MapRows_SameOutputAndGradientAsOneTensor(long[] shape)
    {
        // The same maps as one tensor and as rows of separate arrays, each at an offset (as decoded groups hold them).
        using var scope = NewDisposeScope();
        manual_seed(16);
        var (query, visual) = Inputs(shape);
        int rowLength = (int)(visual.numel() / shape[0]);
        var values = visual.data<float>().ToArray();
        var rows = Enumerable.Range(0, (int)shape[0]).Select(b =>
        {
            var array = new float[rowLength + 7];
            values.AsSpan(b * rowLength, rowLength).CopyTo(array.AsSpan(7));
            return (ReadOnlyMemory<float>)array.AsMemory(7, rowLength);
        }).ToArray();
        var maps = new VisualMapRows(rows, (int)shape[1], (int)shape[2], (int)shape[3]);
        var weight = randn(shape[0], shape[1], 2, shape[2]);
        var outputs = new Tensor[2];
        var gradients = new Tensor[2];
        for (int run = 0; run < 2; run++)
        {
            var leaf = query.clone().requires_grad_(true);
            outputs[run] = run == 0 ? FusedGrounding.Pool(leaf, visual, Floor) : FusedGrounding.Pool(leaf, maps, Floor);
            outputs[run].mul(weight).sum().backward();
            gradients[run] = leaf.grad!;
        }

        Assert.AreEqual(0f, (outputs[0] - outputs[1]).abs().max().item<float>(), "the same kernel over the same values");
        Assert.AreEqual(0f, (gradients[0] - gradients[1]).abs().max().item<float>());
        AssertClose(maps.ToTensor(), visual, "rows copied into one tensor");
    }

    [TestMethod]
    public void VisualMapRows_RowOfWrongLength_Throws() =>
        Assert.ThrowsExactly<ArgumentException>(() => new VisualMapRows([new float[12], new float[11]], segments: 2, channels: 3, positions: 2));

    private static (Tensor Query, Tensor Visual) Inputs(long[] shape)
    {
        var visual = rand(shape);                                                      // non-negative like ResNet maps
        var query = nn.functional.normalize(randn(shape[..^1]), p: 2, dim: -1);
        return (query, visual);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        CollectionAssert.AreEqual(expected.shape, actual.shape, what);
        // Relative to the largest value, as both sum hundreds of products in different orders.
        float scale = Math.Max(expected.abs().max().item<float>(), 1e-6f);
        float difference = (expected - actual).abs().max().item<float>();
        Assert.IsLessThan(1e-4f * scale, difference, $"{what}: max difference {difference} against max {scale}");
    }
}
