#!/usr/bin/python3
"""PyTorch twin of the library's AVST network, for a same-machine speed comparison (optional).

What it is: the AVST answer network of Microsoft.ML.MissingModality (src/Microsoft.ML.MissingModality/Modeling/
AvstNetwork.cs and its parts), rewritten module by module in plain PyTorch from the C# sources -- same layers, same
shapes, same operations in the same order, the same loss (answer cross-entropy + 0.5 x the audio-visual matching
cross-entropy, AvstObjective's loss when there are no recalled features) and the same optimiser (Adam, lr 1e-4,
betas 0.9/0.999, eps 1e-8, no weight decay). It times four cases on random inputs at MUSIC-AVQA's shapes
(audio [B,10,128], visual [B,10,512,196] = [B,T,C,H*W], 14 question tokens over a vocabulary of 93, 42 answers):

  train64  one training step at batch 64 (forward, loss, zero_grad, backward, Adam step), as TrainingLoop.RunEpoch
  train4   the same at batch 4
  infer64  one forward pass in eval mode under no_grad at batch 64 (+ softmax, argmax), as AvqaBatchScorer
  infer1   the same at batch 1
  adam4    the optimizer step alone (torch.optim.Adam), on the gradients of one batch-4 step
  ground64 the spatial grounding's forward alone at batch 64, under no_grad

and prints one JSON object to stdout (per case the median and every timing in seconds, the torch version, threads,
the BLAS / LAPACK / OpenMP libraries actually loaded, the parameter count and the peak RSS in MiB). The library's bench mode `peer`
(bench/Microsoft.ML.MissingModality.Bench/PeerBenchmark.cs) runs it as a subprocess, alternating rounds with its own.

Optional: nothing in the build or the tests needs it. To use it (Debian 12's PyTorch 1.13; the default `python3` on a
pyenv PATH may have no torch, hence /usr/bin/python3):

  apt-get install python3-torch
  /usr/bin/python3 bench/pytorch/avst_twin.py --cases train64,train4,infer64,infer1 --repeats 5 --warmup 2 --threads 2
  /usr/bin/python3 bench/pytorch/avst_twin.py --params-only        # parameter count per module, nothing timed

Caveat: Debian's python3-torch uses the system BLAS (BLAS_INFO=generic); with only libblas3 (netlib's reference
BLAS, ~6 GFLOP/s) every Linear runs on it. Install the OpenMP OpenBLAS (`apt-get install libopenblas0-openmp`) and
put it first: `LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp` (the bench mode does this when the folder
exists). The pthread OpenBLAS fights PyTorch's own OpenMP threads. The JSON's "blas" field names the libraries that
were loaded, so a result says which it was. On a machine shared with other work, OpenMP's spinning waits can slow
small steps badly on either side: measure on a quiet machine.
"""

import argparse
import json
import math
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# MUSIC-AVQA shapes and the library's defaults (AvstConfig, AvqaTrainerOptions, TorchComponentOptions).
SEGMENTS = 10
AUDIO_DIM = 128
VISUAL_CHANNELS = 512
VISUAL_POSITIONS = 14 * 14
QUESTION_TOKENS = 14
VOCABULARY = 93          # including <pad> = id 0
ANSWERS = 42
HIDDEN = 512
WORD_EMBEDDING = 512
HEADS = 4
FEED_FORWARD = 512       # AvstConfig.FeedForwardSize null -> HiddenSize
DROPOUT = 0.1
MATCHING_LOSS_WEIGHT = 0.5
LEARNING_RATE = 1e-4

CASES = {
    "train64": ("train", 64),
    "train4": ("train", 4),
    "infer64": ("infer", 64),
    "infer1": ("infer", 1),
    "adam4": ("adam", 4),        # the optimizer step alone, on the gradients of one batch-4 step
    "ground64": ("ground", 64),  # the spatial grounding's forward alone, batch 64, no_grad
}


class QuestionEncoder(nn.Module):
    """Embedding (padding_idx 0) -> tanh -> one-layer LSTM over all tokens -> tanh(cat(h, c)) -> Linear(2h -> h)."""

    def __init__(self, vocabulary, embedding_size, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, embedding_size, padding_idx=0)
        self.lstm = nn.LSTM(embedding_size, hidden, batch_first=True)
        self.output = nn.Linear(2 * hidden, hidden)

    def forward(self, tokens):
        words = self.embedding(tokens).tanh()
        _, (h, c) = self.lstm(words)
        state = torch.cat([h[-1], c[-1]], 1)
        return self.output(state.tanh())


class AudioEncoder(nn.Module):
    """Linear(A -> h) -> ReLU -> Linear(h -> h) per segment."""

    def __init__(self, audio_dim, hidden):
        super().__init__()
        self.layer1 = nn.Linear(audio_dim, hidden)
        self.layer2 = nn.Linear(hidden, hidden)

    def forward(self, audio):
        return self.layer2(F.relu(self.layer1(audio)))


class SpatialGrounding(nn.Module):
    """Sound-aware spatial grounding on [B, T, C, P] maps, in the library's formulation (no normalised copy of the map)."""

    def __init__(self, channels, hidden):
        super().__init__()
        same = channels == hidden
        self.queryProjection = nn.Identity() if same else nn.Linear(hidden, channels)
        self.outputProjection = nn.Identity() if same else nn.Linear(channels, hidden)
        self.combine = nn.Linear(2 * hidden, hidden)

    def forward(self, audio, visual):
        norms = visual.norm(p=2, dim=-2).clamp_min_(1e-12)                              # [B, T, P]
        query = F.normalize(self.queryProjection(audio), p=2, dim=-1).unsqueeze(-2)    # [B, T, 1, C]
        weights = (query.matmul(visual).squeeze(-2) / norms).softmax(-1)               # [B, T, P]
        mean = torch.full_like(weights, 1.0 / visual.shape[-1])
        pooled = visual.matmul(torch.stack([weights / norms, mean], -1))               # [B, T, C, 2]
        attended = pooled.select(-1, 0)                                                # [B, T, C]
        glob = pooled.select(-1, 1)                                                    # [B, T, C]
        both = torch.cat([self.outputProjection(glob), self.outputProjection(attended)], -1)
        return self.combine(both.tanh())


class TemporalGrounding(nn.Module):
    """q as the single query of a written-out multi-head attention over T segments, then LN(x + Dropout(FFN(x)))."""

    def __init__(self, hidden, heads, feed_forward, dropout):
        super().__init__()
        assert hidden % heads == 0
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.attentionDropout = nn.Dropout(dropout)
        self.output = nn.Linear(hidden, hidden)
        self.feedForwardIn = nn.Linear(hidden, feed_forward)
        self.feedForwardDropout = nn.Dropout(dropout)
        self.feedForwardOut = nn.Linear(feed_forward, hidden)
        self.residualDropout = nn.Dropout(dropout)
        self.norm = nn.LayerNorm(hidden)

    def forward(self, question, segments):
        batch, steps, hidden = segments.shape
        d = hidden // self.heads
        q = self.query(question).view(batch, self.heads, 1, d)                          # [B, H, 1, d]
        k = self.key(segments).view(batch, steps, self.heads, d).transpose(1, 2)        # [B, H, T, d]
        v = self.value(segments).view(batch, steps, self.heads, d).transpose(1, 2)      # [B, H, T, d]
        weights = (q.matmul(k.transpose(-1, -2)) / math.sqrt(d)).softmax(-1)            # [B, H, 1, T]
        attended = self.attentionDropout(weights).matmul(v).reshape(batch, hidden)
        x = self.output(attended)
        ffn = self.feedForwardOut(self.feedForwardDropout(F.relu(self.feedForwardIn(x))))
        return self.norm(x + self.residualDropout(ffn))


class FusionHead(nn.Module):
    """tanh(Linear(2h -> h)(tanh(cat(a, v))) * q) -> Linear(h -> answers)."""

    def __init__(self, hidden, answers):
        super().__init__()
        self.fusion = nn.Linear(2 * hidden, hidden)
        self.answer = nn.Linear(hidden, answers)

    def forward(self, audio, visual, question):
        fused = self.fusion(torch.cat([audio, visual], -1).tanh())
        return self.answer(fused.mul(question).tanh())


class AudioVisualMatchingHead(nn.Module):
    """MLP 2h -> 512 -> 256 -> 128 -> 2 on (audio, grounded visual) segment pairs."""

    def __init__(self, hidden):
        super().__init__()
        self.fc1 = nn.Linear(2 * hidden, 512)
        self.fc2 = nn.Linear(512, 256)
        self.fc3 = nn.Linear(256, 128)
        self.fc4 = nn.Linear(128, 2)

    def forward(self, audio, visual):
        x = torch.cat([audio, visual], -1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = F.relu(self.fc3(x))
        return self.fc4(x)

    def loss(self, audio, visual, negatives):
        """CE over positive pairs (a_i,t, v_i,t) labelled 1 and negative pairs (a_i,t, v_negatives[i],t) labelled 0."""
        if audio.shape[0] < 2:
            return audio.new_zeros(())
        rows = negatives.ge(0).nonzero().squeeze(-1)
        if rows.shape[0] == 0:
            return audio.new_zeros(())
        partners = negatives.index_select(0, rows)
        anchor = audio.index_select(0, rows)
        positive = self(anchor, visual.index_select(0, rows)).flatten(0, -2)
        negative = self(anchor, visual.index_select(0, partners)).flatten(0, -2)
        logits = torch.cat([positive, negative], 0)
        labels = torch.cat([torch.ones(positive.shape[0], dtype=torch.int64),
                            torch.zeros(negative.shape[0], dtype=torch.int64)], 0)
        return F.cross_entropy(logits, labels)


class AvstNetwork(nn.Module):
    """The AVST answer network; module names as the C# fields, so per-module parameter counts line up."""

    def __init__(self):
        super().__init__()
        self.question = QuestionEncoder(VOCABULARY, WORD_EMBEDDING, HIDDEN)
        self.audio = AudioEncoder(AUDIO_DIM, HIDDEN)
        self.spatial = SpatialGrounding(VISUAL_CHANNELS, HIDDEN)
        self.matching = AudioVisualMatchingHead(HIDDEN)
        self.temporalAudio = TemporalGrounding(HIDDEN, HEADS, FEED_FORWARD, DROPOUT)
        self.temporalVisual = TemporalGrounding(HIDDEN, HEADS, FEED_FORWARD, DROPOUT)
        self.fusion = FusionHead(HIDDEN, ANSWERS)

    def forward(self, tokens, raw_audio, visual):
        q = self.question(tokens)
        a = self.audio(raw_audio)
        v = self.spatial(a, visual)
        audio_attended = self.temporalAudio(q, a)
        visual_attended = self.temporalVisual(q, v)
        logits = self.fusion(audio_attended + a.mean([1]), visual_attended + v.mean([1]), q)
        return logits, a, v

    def loss(self, logits, a, v, answers, negatives):
        loss = F.cross_entropy(logits, answers)
        if negatives is not None and MATCHING_LOSS_WEIGHT > 0:
            loss = loss + self.matching.loss(a, v, negatives) * MATCHING_LOSS_WEIGHT
        return loss


def draw_negatives(video_keys, generator):
    """Each sample's partner: the next sample of another video along a random cyclic order (-1 when none)."""
    batch = len(video_keys)
    order = torch.randperm(batch, generator=generator).tolist()
    partners = [0] * batch
    for k in range(batch):
        sample = order[k]
        partners[sample] = -1
        for step in range(1, batch):
            candidate = order[(k + step) % batch]
            if video_keys[candidate] != video_keys[sample]:
                partners[sample] = candidate
                break
    return torch.tensor(partners, dtype=torch.int64)


def random_inputs(batch, generator):
    """Audio ~ N(0, 1), visual maps ~ U[0, 1) (non-negative like ResNet activations), 14 word ids in 1..92, answers, distinct videos."""
    return {
        "audio": torch.randn(batch, SEGMENTS, AUDIO_DIM, generator=generator),
        "visual": torch.rand(batch, SEGMENTS, VISUAL_CHANNELS, VISUAL_POSITIONS, generator=generator),
        "tokens": torch.randint(1, VOCABULARY, (batch, QUESTION_TOKENS), generator=generator, dtype=torch.int64),
        "answers": torch.randint(0, ANSWERS, (batch,), generator=generator, dtype=torch.int64),
        "video_keys": list(range(batch)),
    }


def train_step(model, optimizer, inputs, generator):
    """One step as TrainingLoop.RunEpoch runs AvstObjective.TrainStep: loss (checked finite), zero_grad, backward, step."""
    model.train()
    logits, a, v = model(inputs["tokens"], inputs["audio"], inputs["visual"])
    correct = logits.argmax(1).eq(inputs["answers"]).sum().item()
    negatives = draw_negatives(inputs["video_keys"], generator)
    loss = model.loss(logits, a, v, inputs["answers"], negatives)
    step_loss = loss.item()
    if not math.isfinite(step_loss):
        raise RuntimeError(f"training diverged: loss {step_loss}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return step_loss, correct


def infer_step(model, inputs):
    """One scoring pass as AvqaBatchScorer: eval mode, no_grad, softmax, argmax, results copied out."""
    model.eval()
    with torch.no_grad():
        logits, _, _ = model(inputs["tokens"], inputs["audio"], inputs["visual"])
        probabilities = F.softmax(logits, 1)
        probabilities.tolist()
        return probabilities.argmax(1).tolist()


def make_case(mode, model, optimizer, inputs, generator):
    """The timed action of one case (see CASES)."""
    if mode == "train":
        return lambda: train_step(model, optimizer, inputs, generator)
    if mode == "infer":
        return lambda: infer_step(model, inputs)
    if mode == "adam":
        model.train()
        logits, a, v = model(inputs["tokens"], inputs["audio"], inputs["visual"])
        optimizer.zero_grad()
        model.loss(logits, a, v, inputs["answers"], draw_negatives(inputs["video_keys"], generator)).backward()
        return optimizer.step
    if mode == "ground":
        model.eval()
        with torch.no_grad():
            audio = model.audio(inputs["audio"])

        def ground():
            with torch.no_grad():
                model.spatial(audio, inputs["visual"])
        return ground
    raise ValueError(mode)


def parameter_counts(model):
    by_module = {name: sum(p.numel() for p in child.parameters()) for name, child in model.named_children()}
    return sum(p.numel() for p in model.parameters()), by_module


def loaded_blas():
    """The BLAS / OpenMP shared libraries this process has mapped (which BLAS the generic build resolved to)."""
    names = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1] if "/" in line else ""
                base = path.rsplit("/", 1)[-1].lower()
                if any(word in base for word in ("blas", "lapack", "mkl", "omp", "blis")):
                    names.add(path)
    except OSError:
        pass
    return sorted(names)


def time_case(run, warmup, repeats):
    """Seconds of each of `repeats` calls of `run`, after `warmup` untimed ones."""
    for _ in range(warmup):
        run()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return seconds


def peak_rss_mib():
    """This process's peak resident set (VmHWM). Not ru_maxrss: Linux carries the spawning process's resident set over
    exec into it, so a twin started by the .NET bench would report at least the library's footprint at that moment."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024.0, 1)      # kB
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)   # ru_maxrss is KiB on Linux


def main():
    parser = argparse.ArgumentParser(description="PyTorch twin of the library's AVST network (speed comparison).")
    parser.add_argument("--cases", default="train64,train4,infer64,infer1",
                        help="comma-separated, from " + ",".join(CASES))
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per case")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs per case before the timed ones")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--params-only", action="store_true", help="print the parameter counts and exit")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)          # initialisation and dropout (the library also draws dropout globally)
    model = AvstNetwork()
    total, by_module = parameter_counts(model)
    if args.params_only:
        print(json.dumps({"parameters": total, "parametersByModule": by_module}, indent=2))
        return 0

    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {unknown}; known: {list(CASES)}")
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    data_generator = torch.Generator().manual_seed(args.seed)
    negatives_generator = torch.Generator().manual_seed(args.seed + 1)   # AvstObjective seeds its negatives with seed + 1
    inputs = {size: random_inputs(size, data_generator) for size in sorted({CASES[c][1] for c in cases}, reverse=True)}

    results = {}
    for name in cases:
        mode, size = CASES[name]
        run = make_case(mode, model, optimizer, inputs[size], negatives_generator)
        seconds = time_case(run, args.warmup, args.repeats)
        results[name] = {
            "mode": mode,
            "batch": size,
            "medianSeconds": statistics.median(seconds) if seconds else None,
            "seconds": seconds,
            "peakRssMiBAfter": peak_rss_mib(),
        }
        print(f"[avst_twin] {name}: median {results[name]['medianSeconds']} s over {len(seconds)}", file=sys.stderr)

    print(json.dumps({
        "benchmark": "avst-pytorch-twin",
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "threads": torch.get_num_threads(),
        "blas": loaded_blas(),
        "repeats": args.repeats,
        "warmup": args.warmup,
        "seed": args.seed,
        "parameters": total,
        "parametersByModule": by_module,
        "cases": results,
        "peakRssMiB": peak_rss_mib(),
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
