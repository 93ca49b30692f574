namespace Microsoft.ML.MissingModality.Components;

/// <summary>
/// The columns an AVR diffusion adds: for each recalled combination, the enhanced pair split back into its audio and
/// its visual part — the pair built from the recalled audio and the real picture, and the pair built from the real
/// audio and the recalled picture. They are the inputs of the second and third terms of the paper's Eq. 8.
/// </summary>
internal sealed record EnhancedPairColumns(string RecalledAudio, string VisualWithRecalledAudio, string AudioWithRecalledVisual, string RecalledVisual)
{
    /// <summary>The names <c>AvrDiffusion</c> writes and <c>AvqaTrainer</c> reads by default.</summary>
    public static EnhancedPairColumns Default { get; } =
        new("EnhancedRecalledAudio", "EnhancedVisualWithRecalledAudio", "EnhancedAudioWithRecalledVisual", "EnhancedRecalledVisual");

    /// <summary>The four names, audio-recalled pair first.</summary>
    public IReadOnlyList<string> All => [RecalledAudio, VisualWithRecalledAudio, AudioWithRecalledVisual, RecalledVisual];

    public void Write(BinaryWriter writer)
    {
        foreach (string name in All) writer.Write(name);
    }

    public static EnhancedPairColumns Read(BinaryReader reader) =>
        new(reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadString());
}
