using Microsoft.ML.MissingModality.Datasets.Synthetic;

namespace Microsoft.ML.MissingModality.Tests.Datasets.Synthetic;

/// <summary>Hand-written scenes with known answers.</summary>
internal static class SceneFixtures
{
    public static float[] Playing(int from, int to, float level, int segments = 10) =>
        Enumerable.Range(0, segments).Select(t => t >= from && t < to ? level : 0f).ToArray();

    /// <summary>
    /// A violin on the left (from segment 0, loud, sustained), a cello on the right (from segment 3, soft,
    /// rhythmic), a silent piano in the middle, an off-screen drum, a voiceover, indoors.
    /// </summary>
    public static Scene Duet() => new(10, "classical", true,
    [
        new SceneInstrument("violin", true, 0.15f, 0.5f, Playing(0, 10, 0.9f), 0.2f),
        new SceneInstrument("piano", true, 0.5f, 0.5f, Playing(0, 0, 0f), 0.5f),
        new SceneInstrument("cello", true, 0.85f, 0.5f, Playing(3, 10, 0.4f), 0.7f),
        new SceneInstrument("drum", false, -1, -1, Playing(5, 8, 0.6f), 0.9f),
    ], Playing(2, 6, 0.7f));
}
