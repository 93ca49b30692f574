namespace Microsoft.ML.MissingModality.Tests.Support;

/// <summary>
/// Float comparisons for model outputs. The same weights on the same inputs can differ in the last bit between two
/// scoring runs: libtorch's CPU kernels pick code paths by memory alignment and thread count.
/// </summary>
internal static class FloatAssert
{
    public static void AreClose(IReadOnlyList<float> expected, IReadOnlyList<float> actual, float tolerance = 1e-5f)
    {
        Assert.HasCount(expected.Count, actual);
        for (int i = 0; i < expected.Count; i++)
            Assert.AreEqual(expected[i], actual[i], tolerance * Math.Max(1f, Math.Abs(expected[i])), $"element {i}");
    }
}
