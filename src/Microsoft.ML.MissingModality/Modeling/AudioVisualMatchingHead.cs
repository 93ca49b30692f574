using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// AVST's audio-visual matching head, a 4-layer MLP 2·hidden → 512 → 256 → 128 → 2 (ReLU between) that tells
/// whether an audio feature and a grounded visual feature come from the same video. As in the public code it scores
/// segment pairs (B·T rows), and the auxiliary loss is the cross-entropy averaged over all positive and negative pairs.
/// Negatives pair sample i's audio with the grounded visual features of sample <c>negatives[i] ≠ i</c> of the same
/// batch (the public code loads a separate random video and grounds it with sample i's audio instead).
/// </summary>
internal sealed class AudioVisualMatchingHead : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;
    private readonly Linear fc4;

    public AudioVisualMatchingHead(int hiddenSize) : base(nameof(AudioVisualMatchingHead))
    {
        fc1 = nn.Linear(2L * hiddenSize, 512);
        fc2 = nn.Linear(512, 256);
        fc3 = nn.Linear(256, 128);
        fc4 = nn.Linear(128, 2);
        RegisterComponents();
    }

    /// <summary>Match logits <c>[..., 2]</c> (class 1 = same video) for audio and visual features <c>[..., hidden]</c>.</summary>
    public override Tensor forward(Tensor audio, Tensor visual)
    {
        using var scope = NewDisposeScope();
        var x = cat([audio, visual], -1);
        x = nn.functional.relu(fc1.forward(x));
        x = nn.functional.relu(fc2.forward(x));
        x = nn.functional.relu(fc3.forward(x));
        return fc4.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The matching cross-entropy for audio and grounded visual segments <c>[B, T, hidden]</c>: pairs (a_i,t, v_i,t) are
    /// labelled 1 and (a_i,t, v_negatives[i],t) labelled 0. <paramref name="negatives"/> is int64 <c>[B]</c> with
    /// <c>negatives[i] ≠ i</c>, or -1 where sample i has no partner from another video (see <see cref="DrawNegatives(long, Generator?)"/>
    /// and <see cref="DrawNegatives(IReadOnlyList{long}, Generator?)"/>); only samples with a partner take part, so
    /// positives and negatives stay balanced. With no partner at all (e.g. batch size 1) the loss is 0.
    /// </summary>
    public Tensor Loss(Tensor audio, Tensor visual, Tensor negatives)
    {
        long batch = audio.shape[0];
        if (batch < 2)
            return zeros([], dtype: audio.dtype, device: audio.device);
        CheckNegatives(negatives, batch);
        using var scope = NewDisposeScope();
        var cpuNegatives = negatives.cpu();
        var rows = cpuNegatives.ge(HeldScalars.Zero).nonzero().squeeze(-1);                                 // samples with a partner
        if (rows.shape[0] == 0)
            return zeros([], dtype: audio.dtype, device: audio.device).MoveToOuterDisposeScope();
        var partners = cpuNegatives.index_select(0, rows);
        rows = rows.to(audio.device);
        partners = partners.to(audio.device);
        var anchorAudio = audio.index_select(0, rows);
        var positive = forward(anchorAudio, visual.index_select(0, rows)).flatten(0, -2);        // [K·T, 2]
        var negative = forward(anchorAudio, visual.index_select(0, partners)).flatten(0, -2);
        var logits = cat([positive, negative], 0);
        var labels = cat([ones(positive.shape[0], dtype: int64, device: audio.device),
                          zeros(negative.shape[0], dtype: int64, device: audio.device)], 0);
        return nn.functional.cross_entropy(logits, labels).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A random partner for every sample of a batch that is never the sample itself: a random cyclic order
    /// π (from <paramref name="generator"/>), each sample paired with its successor, negatives[π[k]] = π[k+1 mod B].
    /// Returns int64 <c>[B]</c> on the CPU; for <paramref name="batch"/> = 1 returns <c>[0]</c> (no negative exists;
    /// <see cref="Loss"/> ignores it).
    /// </summary>
    public static Tensor DrawNegatives(long batch, Generator? generator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        using var scope = NewDisposeScope();
        var order = randperm(batch, dtype: int64, generator: generator);
        var successor = order.roll(-1);
        return empty_like(order).scatter_(0, order, successor).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Partners from <em>other videos</em>: <paramref name="videoKeys"/>[i] identifies sample i's video (questions of
    /// the same video share features, so pairing them would teach "mismatch" on a matching pair). Visits the samples
    /// in a random order π (from <paramref name="generator"/>) and gives each the next sample along π, cyclically,
    /// whose video differs; -1 when every sample of the batch shows the same video. Returns int64 <c>[B]</c> on the CPU.
    /// </summary>
    public static Tensor DrawNegatives(IReadOnlyList<long> videoKeys, Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(videoKeys);
        int batch = videoKeys.Count;
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        long[] order;
        using (var permutation = randperm(batch, dtype: int64, generator: generator))
            order = permutation.data<long>().ToArray();
        var partners = new long[batch];
        for (int k = 0; k < batch; k++)
        {
            long sample = order[k];
            partners[sample] = -1;
            for (int step = 1; step < batch; step++)
            {
                long candidate = order[(k + step) % batch];
                if (videoKeys[(int)candidate] != videoKeys[(int)sample])
                {
                    partners[sample] = candidate;
                    break;
                }
            }
        }
        return tensor(partners, [batch]);
    }

    private static void CheckNegatives(Tensor negatives, long batch)
    {
        ArgumentNullException.ThrowIfNull(negatives);
        if (negatives.dtype != int64 || negatives.dim() != 1 || negatives.shape[0] != batch)
            throw new ArgumentException($"Negatives must be int64 [{batch}]; got {negatives.dtype} [{string.Join(",", negatives.shape)}].", nameof(negatives));
        using var scope = NewDisposeScope();
        var cpu = negatives.cpu();
        if (cpu.min().item<long>() < -1 || cpu.max().item<long>() >= batch)
            throw new ArgumentException($"Negatives must index the batch, 0..{batch - 1}, or be -1 (no partner).", nameof(negatives));
        if (cpu.eq(tensor(Enumerable.Range(0, (int)batch).Select(i => (long)i).ToArray())).any().item<bool>())
            throw new ArgumentException("A negative pairs a sample with itself (negatives[i] == i).", nameof(negatives));
    }
}
