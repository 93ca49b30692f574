using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// AVST's audio encoder (fc_a1, fc_a2): Linear(AudioDim → hidden) → ReLU → Linear(hidden → hidden), applied to each
/// segment: <c>[B, T, AudioDim]</c> → <c>[B, T, hidden]</c>. Its output is the audio feature f^a that the RMM generator
/// recalls and the AVR diffusion enhances, which is why <see cref="AvstNetwork.EncodeAudio"/> exposes it on its own.
/// </summary>
internal sealed class AudioEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Linear layer1;
    private readonly Linear layer2;

    public AudioEncoder(int audioDim, int hiddenSize) : base(nameof(AudioEncoder))
    {
        layer1 = nn.Linear(audioDim, hiddenSize);
        layer2 = nn.Linear(hiddenSize, hiddenSize);
        RegisterComponents();
    }

    /// <summary>Maps <c>[..., AudioDim]</c> to <c>[..., hidden]</c> (Linear acts on the last dimension).</summary>
    public override Tensor forward(Tensor audio)
    {
        using var hidden = nn.functional.relu(layer1.forward(audio));
        return layer2.forward(hidden);
    }
}
