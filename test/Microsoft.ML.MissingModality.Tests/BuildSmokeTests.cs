namespace Microsoft.ML.MissingModality.Tests;

[TestClass]
public sealed class BuildSmokeTests
{
    [TestMethod]
    public void Torch_LoadsNativeLibrary_AndComputes()
    {
        using var a = TorchSharp.torch.ones(2, 3);
        using var sum = a.sum();
        Assert.AreEqual(6f, sum.item<float>());
    }
}
