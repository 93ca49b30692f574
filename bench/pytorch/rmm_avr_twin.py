#!/usr/bin/python3
"""PyTorch twin of the library's RMM generator and AVR diffusion, for a same-machine speed comparison (optional).

What it is: two networks of Microsoft.ML.MissingModality rewritten module by module in plain PyTorch from the C#
sources, with the defaults their estimators use, at MUSIC-AVQA's shapes (audio [B,10,128], visual [B,10,512,196] =
[B,T,C,H*W], 14 question tokens over a vocabulary of 93):

  RMM generator  (Modeling/RmmNetwork.cs, RmmGeneratorOptions): the generator's own question encoder (embedding 256,
                 LSTM 256), 75 slots in each of the visual (a whole map per slot), audio and question memories, cosine
                 addressing at a fixed scale 1, the normalised product of the two addressings; RMMR loss = MSE of the
                 recalled audio + MSE of the recalled maps (RmmObjective); Adam lr 1e-3. The slots start as real
                 (audio, map, question) triples of the batch, as RmmGenerator.Prepare sets them.
  AVR diffusion  (Modeling/AvrNetwork.cs, PairDenoiser, Diffusion/AudioVisualDiffusion.cs, AvrDiffusionOptions): the
                 pair denoiser of width 64 with 2 residual blocks, per-feature standardisation (mean 0, std 1 here),
                 a sigmoid schedule of T = 10 steps, epsilon prediction; AVE loss = MSE of the audio noise + MSE of
                 the visual noise (AveObjective); Adam lr 1e-3; enhancement from S = 1 with DDPM steps.

Adam as the library's training loop: betas 0.9/0.999, eps 1e-8, no weight decay. Cases, on random inputs:

  rmm-train64  one RMM training step at batch 64 (forward, RMMR loss, backward, Adam step), as TrainingLoop.RunEpoch
  rmm-train4   the same at batch 4
  ave-train64  one AVE training step at batch 64 (a step and noise per segment, loss, backward, Adam step)
  ave-train4   the same at batch 4
  enhance1     one row's two pairs enhanced as AvrBatchScorer does (eval mode, no_grad, per pair: noise to step S,
               S reverse steps, results copied out), each row's noise from its own generator
  enhance8     the same for 8 rows

The library takes the AVE batch in row chunks (8 rows at these shapes) to bound its memory, and computes the RMMR loss
from the slots' Gram matrix without recalling the maps (the same loss and gradients); the twin recalls the maps and
takes the whole batch at once, the natural PyTorch step. The protocol is avst_twin.py's: the same options, one JSON object on stdout. The
cases of one run must belong to one network (so that the process's peak RSS is that network's); `--params-only`
prints the parameter count of the network the `--cases` name. The library's bench mode `peer`
(bench/Microsoft.ML.MissingModality.Bench/PeerBenchmark.cs) runs it as a subprocess, alternating rounds with its own.

  /usr/bin/python3 bench/pytorch/rmm_avr_twin.py --cases rmm-train64,rmm-train4 --repeats 5 --warmup 2 --threads 2
  /usr/bin/python3 bench/pytorch/rmm_avr_twin.py --params-only --cases enhance1      # AVR's parameter count
  /usr/bin/python3 bench/pytorch/rmm_avr_twin.py --cases ave-train4 --threads 1 --profile  # and where its time goes

Setup and caveats (Debian's python3-torch, the OpenMP OpenBLAS first on LD_LIBRARY_PATH): see avst_twin.py, whose
question encoder, BLAS report and peak-memory reader (VmHWM, not ru_maxrss) this script imports.
"""

import argparse
import json
import math
import statistics
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

# The AVST twin's question encoder is the library's QuestionEncoder (the RMM generator builds its own instance of
# the same class); its list of loaded BLAS libraries is shared so that both twins describe their process the same way.
# Importing it must not leave a __pycache__ folder in the working tree.
sys.dont_write_bytecode = True
from avst_twin import QuestionEncoder, loaded_blas, peak_rss_mib, time_case  # noqa: E402

# MUSIC-AVQA shapes.
SEGMENTS = 10
AUDIO_DIM = 128
VISUAL_CHANNELS = 512
VISUAL_HEIGHT = 14
VISUAL_WIDTH = 14
VISUAL_POSITIONS = VISUAL_HEIGHT * VISUAL_WIDTH
QUESTION_TOKENS = 14
VOCABULARY = 93          # including <pad> = id 0

# RmmGeneratorOptions' defaults.
SLOTS = 75
QUESTION_HIDDEN = 256
ADDRESSING = "cosine"                 # SlotAddressing.Cosine (the paper's scaled dot product: "scaled-dot")
COMBINATION = "normalized-product"    # SlotCombination.NormalizedProduct (the paper's: "softmax-of-product")
ADDRESSING_SCALE = 1.0
LEARN_ADDRESSING_SCALE = False
RMM_LEARNING_RATE = 1e-3

# AvrDiffusionOptions' defaults.
WIDTH = 64
BLOCKS = 2
DIFFUSION_STEPS = 10
START_STEP = 1
AVR_LEARNING_RATE = 1e-3
# BetaSchedules' sigmoid schedule (start, end, temperature) and its cap on beta.
SIGMOID_START, SIGMOID_END, SIGMOID_TAU = -3.0, 3.0, 1.0
MAX_BETA = 0.999

CASES = {
    "rmm-train64": ("rmm", "train", 64),
    "rmm-train4": ("rmm", "train", 4),
    "ave-train64": ("avr", "train", 64),
    "ave-train4": ("avr", "train", 4),
    "enhance1": ("avr", "enhance", 1),
    "enhance8": ("avr", "enhance", 8),
}


# ---------------------------------------------------------------------------------------------------------- RMM


class RmmNetwork(nn.Module):
    """Three slot memories addressed by the available modality and by the question; attribute names as the C# fields."""

    def __init__(self):
        super().__init__()
        self.question = QuestionEncoder(VOCABULARY, QUESTION_HIDDEN, QUESTION_HIDDEN)
        self.visualSlots = nn.Parameter(torch.randn(SLOTS, VISUAL_CHANNELS * VISUAL_POSITIONS))
        self.audioSlots = nn.Parameter(torch.randn(SLOTS, AUDIO_DIM))
        self.questionSlots = nn.Parameter(torch.randn(SLOTS, QUESTION_HIDDEN))
        # Log inverse temperatures of the addressing by visual, audio and question slots; a parameter even when fixed,
        # as in the library, so that the parameter counts agree (Adam skips it: it never has a gradient).
        self.addressingLogScale = nn.Parameter(torch.full((3,), math.log(ADDRESSING_SCALE)),
                                               requires_grad=LEARN_ADDRESSING_SCALE)

    def recall_both(self, audio, visual, tokens):
        """Audio [B, T, A] recalled from the maps and maps [B, T, C, P] from the audio, the question encoded once."""
        q = self.question(tokens)
        recalled_audio = self.weights(visual.flatten(2), self.visualSlots, 0, q).matmul(self.audioSlots)
        recalled_visual = self.weights(audio, self.audioSlots, 1, q).matmul(self.visualSlots).view_as(visual)
        return recalled_audio, recalled_visual

    def weights(self, features, slots, scale, q):
        by_modality = self.address(features, slots, scale)                       # [B, T, L]
        by_question = self.address(q, self.questionSlots, 2).unsqueeze(1)        # [B, 1, L]
        joint = by_modality * by_question
        if COMBINATION == "softmax-of-product":
            return F.softmax(joint, -1)
        return joint / joint.sum(-1, keepdim=True).clamp_min(1e-30)

    def address(self, features, slots, scale):
        if ADDRESSING == "cosine":
            scores = F.normalize(features, p=2, dim=-1).matmul(F.normalize(slots, p=2, dim=-1).t())
        else:
            scores = features.matmul(slots.t()) / math.sqrt(slots.shape[1])
        return F.softmax(scores * self.addressingLogScale[scale].exp(), -1)

    def initialize_slots(self, audio, visual, tokens, generator):
        """Slot j = the audio, map and question of one (row, segment) of the batch, drawn without replacement while there are enough."""
        with torch.no_grad():
            rows, segments = audio.shape[0], audio.shape[1]
            available = rows * segments
            order = torch.randperm(available, generator=generator)
            picks = order.repeat((SLOTS + available - 1) // available)[:SLOTS]
            self.audioSlots.copy_(audio.reshape(available, -1).index_select(0, picks))
            self.visualSlots.copy_(visual.reshape(available, -1).index_select(0, picks))
            question = self.question(tokens).repeat_interleave(segments, 0)
            self.questionSlots.copy_(question.index_select(0, picks))


def cosine_per_row(recalled, real):
    """Per row, the mean over segments of the cosine similarity (RecallMetrics.Cosine)."""
    return F.cosine_similarity(recalled.flatten(2), real.flatten(2), dim=2).mean(1)


def rmm_train_step(model, optimizer, inputs):
    """One step as TrainingLoop.RunEpoch runs RmmObjective.TrainStep: RMMR loss (checked finite), backward, step, metric."""
    model.train()
    optimizer.zero_grad()
    audio, visual = inputs["audio"], inputs["visual"]
    recalled_audio, recalled_visual = model.recall_both(audio, visual, inputs["tokens"])
    loss = F.mse_loss(recalled_audio, audio) + F.mse_loss(recalled_visual, visual)
    step_loss = loss.item()
    if not math.isfinite(step_loss):
        raise RuntimeError(f"training diverged: loss {step_loss}")
    loss.backward()
    optimizer.step()
    with torch.no_grad():
        cosine = ((cosine_per_row(recalled_audio, audio) + cosine_per_row(recalled_visual, visual)) / 2).sum().item()
    return step_loss, cosine


# ---------------------------------------------------------------------------------------------------------- AVR


class StepEmbedding(nn.Module):
    """Sinusoids of the step at geometrically spaced frequencies, then Linear -> SiLU -> Linear."""

    def __init__(self, width):
        super().__init__()
        self.width = width
        self.first = nn.Linear(width, width)
        self.second = nn.Linear(width, width)

    def forward(self, steps):
        half = self.width // 2
        frequencies = torch.exp(torch.arange(0, half, dtype=torch.float32) * (-math.log(10000) / half))
        angles = steps.float().unsqueeze(1) * frequencies.unsqueeze(0)
        code = torch.cat([torch.sin(angles), torch.cos(angles)], 1)
        return self.second(F.silu(self.first(code)))


class DenoiserBlock(nn.Module):
    """maps + conv(SiLU(GN(conv(SiLU(GN(maps))) + Linear(SiLU(condition)))))."""

    def __init__(self, width):
        super().__init__()
        self.firstNorm = nn.GroupNorm(8, width)
        self.firstConv = nn.Conv2d(width, width, 3, padding=1)
        self.condition = nn.Linear(width, width)
        self.secondNorm = nn.GroupNorm(8, width)
        self.secondConv = nn.Conv2d(width, width, 3, padding=1)

    def forward(self, maps, conditioning):
        h = self.firstConv(F.silu(self.firstNorm(maps)))
        h = h + self.condition(F.silu(conditioning)).unsqueeze(-1).unsqueeze(-1)
        h = self.secondConv(F.silu(self.secondNorm(h)))
        return maps + h


class PairDenoiser(nn.Module):
    """The prediction for noisy pairs: audio [N, A] and maps [N, C, H, W] at steps [N]."""

    def __init__(self):
        super().__init__()
        self.step = StepEmbedding(WIDTH)
        self.audioIn = nn.Linear(AUDIO_DIM, WIDTH)
        self.visualIn = nn.Conv2d(VISUAL_CHANNELS, WIDTH, 1)
        self.blocks = nn.ModuleList([DenoiserBlock(WIDTH) for _ in range(BLOCKS)])
        self.audioHidden = nn.Linear(2 * WIDTH, WIDTH)
        self.audioOut = nn.Linear(WIDTH, AUDIO_DIM)
        self.visualNorm = nn.GroupNorm(8, WIDTH)
        self.visualOut = nn.Conv2d(WIDTH, VISUAL_CHANNELS, 1)

    def forward(self, audio, visual, steps):
        conditioning = self.step(steps) + self.audioIn(audio)                         # [N, width]
        maps = self.visualIn(visual) + conditioning.unsqueeze(-1).unsqueeze(-1)       # [N, width, H, W]
        for block in self.blocks:
            maps = block(maps, conditioning)
        pooled = maps.mean([2, 3])
        audio_prediction = self.audioOut(F.silu(self.audioHidden(F.silu(torch.cat([conditioning, pooled], 1)))))
        visual_prediction = self.visualOut(F.silu(self.visualNorm(maps)))
        return audio_prediction, visual_prediction


class AvrNetwork(nn.Module):
    """The denoiser and the standardisation (buffers, not trained) the diffusion runs in."""

    def __init__(self):
        super().__init__()
        self.denoiser = PairDenoiser()
        self.register_buffer("audioMean", torch.zeros(AUDIO_DIM))
        self.register_buffer("audioScale", torch.ones(AUDIO_DIM))
        self.register_buffer("visualMean", torch.zeros(VISUAL_CHANNELS))
        self.register_buffer("visualScale", torch.ones(VISUAL_CHANNELS))

    def standardize(self, audio, visual):
        return (audio - self.audioMean) / self.audioScale, (visual - map_shaped(self.visualMean)) / map_shaped(self.visualScale)

    def restore(self, audio, visual):
        return audio * self.audioScale + self.audioMean, visual * map_shaped(self.visualScale) + map_shaped(self.visualMean)


def map_shaped(per_channel):
    return per_channel.view(1, -1, 1, 1)


def sigmoid_betas(steps):
    """beta_t = 1 - abar((t+1)/T) / abar(t/T) for the sigmoid abar(tau), clipped to [0, MAX_BETA]."""
    def logistic(x):
        return 1 / (1 + math.exp(-x))

    low, high = logistic(SIGMOID_START / SIGMOID_TAU), logistic(SIGMOID_END / SIGMOID_TAU)

    def alpha_bar(tau):
        return (high - logistic((tau * (SIGMOID_END - SIGMOID_START) + SIGMOID_START) / SIGMOID_TAU)) / (high - low)

    return [min(max(1 - alpha_bar((t + 1) / steps) / alpha_bar(t / steps), 0.0), MAX_BETA) for t in range(steps)]


class Scheduler:
    """The schedule in double precision (Python floats), applied in float32 with one coefficient per row."""

    def __init__(self, steps):
        self.steps = steps
        betas = sigmoid_betas(steps)
        product = 1.0
        self.sqrt_alpha_bars, self.sqrt_one_minus, self.variance, self.original, self.current = [], [], [], [], []
        for beta in betas:
            previous = product
            product *= 1 - beta
            self.sqrt_alpha_bars.append(math.sqrt(product))
            self.sqrt_one_minus.append(math.sqrt(1 - product))
            self.variance.append(beta * (1 - previous) / (1 - product))
            self.original.append(beta * math.sqrt(previous) / (1 - product))
            self.current.append(math.sqrt(1 - beta) * (1 - previous) / (1 - product))
        # x0 from x_t and the predicted noise: x_t / sqrt(abar_t) - sqrt(1 - abar_t) / sqrt(abar_t) * epsilon.
        self.inverse = [1 / s for s in self.sqrt_alpha_bars]
        self.ratio = [-o / s for o, s in zip(self.sqrt_one_minus, self.sqrt_alpha_bars)]

    @staticmethod
    def per_row(values, t, like):
        """The coefficient of each row's step as [N, 1, ..., 1] (the steps read on the host, as the library does)."""
        rows = [values[step] for step in t.tolist()]
        return torch.tensor(rows, dtype=torch.float32).view((-1,) + (1,) * (like.dim() - 1))

    def add_noise(self, x0, noise, t):
        """q(x_t | x_0): sqrt(abar_t) x0 + sqrt(1 - abar_t) noise."""
        return self.per_row(self.sqrt_alpha_bars, t, x0) * x0 + self.per_row(self.sqrt_one_minus, t, x0) * noise

    def step(self, epsilon, t, xt, noise):
        """One DDPM reverse step from step t (every row), epsilon prediction, no clamp."""
        rows = torch.full((xt.shape[0],), t, dtype=torch.int64)
        x0 = self.per_row(self.inverse, rows, xt) * xt + self.per_row(self.ratio, rows, xt) * epsilon
        mean = x0 * self.original[t] + xt * self.current[t]
        return mean if noise is None or t == 0 else mean + noise * math.sqrt(self.variance[t])


class Diffusion:
    """The AVE loss of real pairs and the enhancement of pairs; segments are independent pairs, folded to [B*T, ...]."""

    def __init__(self, network, scheduler):
        self.network = network
        self.scheduler = scheduler

    @staticmethod
    def fold(audio, visual):
        return audio.reshape(-1, AUDIO_DIM), visual.reshape(-1, VISUAL_CHANNELS, VISUAL_HEIGHT, VISUAL_WIDTH)

    def draw(self, audio, generator):
        """A step and noise per segment of the batch."""
        pairs = audio.shape[0] * audio.shape[1]
        steps = torch.randint(0, self.scheduler.steps, (pairs,), dtype=torch.int64, generator=generator)
        audio_noise = torch.randn(pairs, AUDIO_DIM, generator=generator)
        visual_noise = torch.randn(pairs, VISUAL_CHANNELS, VISUAL_HEIGHT, VISUAL_WIDTH, generator=generator)
        return steps, audio_noise, visual_noise

    def loss(self, audio, visual, generator):
        """Eq. 7: the audio's and the maps' squared errors of the predicted noise, each averaged, summed."""
        steps, audio_noise, visual_noise = self.draw(audio, generator)
        a0, v0 = self.network.standardize(*self.fold(audio, visual))
        sched = self.scheduler
        audio_prediction, visual_prediction = self.network.denoiser(
            sched.add_noise(a0, audio_noise, steps), sched.add_noise(v0, visual_noise, steps), steps)
        audio_error = F.mse_loss(audio_prediction, audio_noise)
        visual_error = F.mse_loss(visual_prediction, visual_noise)
        return audio_error + visual_error, audio_error, visual_error

    def enhance(self, audio, visual, row_generators):
        """Noise to step S (S > 0), then S reverse DDPM steps; every draw for row i from generator i."""
        a0, v0 = self.network.standardize(*self.fold(audio, visual))
        first = START_STEP - 1 if START_STEP > 0 else self.scheduler.steps - 1
        a, v = a0, v0
        if START_STEP > 0:
            audio_noise, visual_noise = row_noise(a0, v0, row_generators)
            start = torch.full((a0.shape[0],), first, dtype=torch.int64)
            a = self.scheduler.add_noise(a0, audio_noise, start)
            v = self.scheduler.add_noise(v0, visual_noise, start)
        for t in range(first, -1, -1):
            steps = torch.full((a.shape[0],), t, dtype=torch.int64)
            audio_prediction, visual_prediction = self.network.denoiser(a, v, steps)
            audio_noise, visual_noise = row_noise(a, v, row_generators) if t > 0 else (None, None)
            a = self.scheduler.step(audio_prediction, t, a, audio_noise)
            v = self.scheduler.step(visual_prediction, t, v, visual_noise)
        restored_audio, restored_visual = self.network.restore(a, v)
        return restored_audio.view_as(audio), restored_visual.reshape(visual.shape)


def row_noise(a, v, generators):
    """Standard normal noise shaped like the folded pairs, each row's segments from that row's generator."""
    segments = a.shape[0] // len(generators)
    audio = torch.cat([torch.randn((segments,) + tuple(a.shape[1:]), generator=g) for g in generators], 0)
    visual = torch.cat([torch.randn((segments,) + tuple(v.shape[1:]), generator=g) for g in generators], 0)
    return audio, visual


def ave_train_step(diffusion, optimizer, inputs, generator):
    """One step as TrainingLoop.RunEpoch runs AveObjective.TrainStep: loss (checked finite), backward, step, R^2."""
    diffusion.network.train()
    optimizer.zero_grad()
    loss, audio_error, visual_error = diffusion.loss(inputs["audio"], inputs["visual"], generator)
    step_loss = loss.item()
    if not math.isfinite(step_loss):
        raise RuntimeError(f"training diverged: loss {step_loss}")
    loss.backward()
    optimizer.step()
    return step_loss, 1 - (audio_error.item() + visual_error.item()) / 2


def row_seed(seed, row, pair):
    """Each row and pair its own noise seed (the library's scorer hashes the row's inputs into it; not timed on either side)."""
    return seed + 2 * row + pair


def enhance_rows(diffusion, inputs, outputs, seed):
    """Both pairs of every row as AvrBatchScorer: (recalled audio, real maps), then (real audio, recalled maps), copied out."""
    diffusion.network.eval()
    pairs = [(inputs["recalled_audio"], inputs["visual"]), (inputs["audio"], inputs["recalled_visual"])]
    with torch.no_grad():
        for pair, (audio, visual) in enumerate(pairs):
            generators = [torch.Generator().manual_seed(row_seed(seed, row, pair)) for row in range(audio.shape[0])]
            enhanced_audio, enhanced_visual = diffusion.enhance(audio, visual, generators)
            outputs[pair][0].copy_(enhanced_audio)
            outputs[pair][1].copy_(enhanced_visual)


# ---------------------------------------------------------------------------------------------------------- harness


def random_inputs(batch, generator, recalled):
    """Audio ~ N(0, 1), maps ~ U[0, 1) (non-negative like ResNet activations), 14 word ids in 1..92; the recalled pair alike."""
    inputs = {
        "audio": torch.randn(batch, SEGMENTS, AUDIO_DIM, generator=generator),
        "visual": torch.rand(batch, SEGMENTS, VISUAL_CHANNELS, VISUAL_POSITIONS, generator=generator),
        "tokens": torch.randint(1, VOCABULARY, (batch, QUESTION_TOKENS), generator=generator, dtype=torch.int64),
    }
    if recalled:
        inputs["recalled_audio"] = torch.randn(batch, SEGMENTS, AUDIO_DIM, generator=generator)
        inputs["recalled_visual"] = torch.rand(batch, SEGMENTS, VISUAL_CHANNELS, VISUAL_POSITIONS, generator=generator)
    return inputs


def build(network):
    """The network the cases time, the module whose parameters are counted by part, and its optimiser."""
    if network == "rmm":
        model = RmmNetwork()
        counted, learning_rate = model, RMM_LEARNING_RATE
    else:
        model = AvrNetwork()
        counted, learning_rate = model.denoiser, AVR_LEARNING_RATE
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    return model, counted, optimizer


def parameter_counts(model, counted):
    """The total and the count per part: the first component of each parameter's name under `counted`."""
    by_part = {}
    for name, parameter in counted.named_parameters():
        part = name.split(".", 1)[0]
        by_part[part] = by_part.get(part, 0) + parameter.numel()
    return sum(p.numel() for p in model.parameters()), by_part


def make_case(mode, network, model, optimizer, inputs, seed):
    """The timed action of one case (see CASES)."""
    if network == "rmm":
        return lambda: rmm_train_step(model, optimizer, inputs)
    diffusion = Diffusion(model, Scheduler(DIFFUSION_STEPS))
    if mode == "train":
        noise = torch.Generator().manual_seed(seed + 3)     # AveObjective seeds its training draws with seed + 3
        return lambda: ave_train_step(diffusion, optimizer, inputs, noise)
    outputs = [(torch.empty_like(inputs["audio"]), torch.empty_like(inputs["visual"])) for _ in range(2)]
    return lambda: enhance_rows(diffusion, inputs, outputs, seed)


def profile_case(run, runs, top=12):
    """The operators a case spends its time in: self CPU milliseconds per run and share, by operator and input shapes."""
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as profiler:
        for _ in range(runs):
            run()
    events = profiler.key_averages(group_by_input_shape=True)
    total = sum(e.self_cpu_time_total for e in events)
    heaviest = sorted(events, key=lambda e: e.self_cpu_time_total, reverse=True)[:top]
    return {
        "runs": runs,
        "selfCpuMsPerRun": round(total / 1000 / runs, 2),
        "operators": [{
            "name": e.key,
            "inputShapes": str(e.input_shapes),
            "callsPerRun": e.count / runs,
            "msPerRun": round(e.self_cpu_time_total / 1000 / runs, 2),
            "share": round(e.self_cpu_time_total / total, 4),
        } for e in heaviest],
    }


def main():
    parser = argparse.ArgumentParser(description="PyTorch twin of the library's RMM generator and AVR diffusion (speed comparison).")
    parser.add_argument("--cases", default="rmm-train64,rmm-train4",
                        help="comma-separated, all of one network, from " + ",".join(CASES))
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per case")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs per case before the timed ones")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--params-only", action="store_true", help="print the parameter counts of the cases' network and exit")
    parser.add_argument("--profile", action="store_true",
                        help="after timing, profile each case by operator (torch.profiler) and add where its time goes to the JSON")
    args = parser.parse_args()

    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in cases if c not in CASES]
    if unknown or not cases:
        parser.error(f"unknown case(s) {unknown}; known: {list(CASES)}")
    networks = {CASES[c][0] for c in cases}
    if len(networks) != 1:
        parser.error(f"the cases {cases} span the networks {sorted(networks)}: run one network per process")
    network = networks.pop()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)          # initialisation
    model, counted, optimizer = build(network)
    total, by_part = parameter_counts(model, counted)
    if args.params_only:
        print(json.dumps({"network": network, "parameters": total, "parametersByModule": by_part}, indent=2))
        return 0

    data_generator = torch.Generator().manual_seed(args.seed)
    sizes = sorted({CASES[c][2] for c in cases}, reverse=True)
    enhanced = {CASES[c][2] for c in cases if CASES[c][1] == "enhance"}
    inputs = {size: random_inputs(size, data_generator, size in enhanced) for size in sizes}
    if network == "rmm":
        # As RmmGenerator.Prepare: the slots start as triples of the first training batch (here the largest one).
        first = inputs[sizes[0]]
        model.initialize_slots(first["audio"], first["visual"], first["tokens"], torch.Generator().manual_seed(args.seed + 2))

    results = {}
    for name in cases:
        _, mode, size = CASES[name]
        run = make_case(mode, network, model, optimizer, inputs[size], args.seed)
        seconds = time_case(run, args.warmup, args.repeats)
        results[name] = {
            "mode": mode,
            "batch": size,
            "medianSeconds": statistics.median(seconds) if seconds else None,
            "seconds": seconds,
            "peakRssMiBAfter": peak_rss_mib(),
        }
        if args.profile:
            results[name]["profile"] = profile_case(run, args.repeats)
        print(f"[rmm_avr_twin] {name}: median {results[name]['medianSeconds']} s over {len(seconds)}", file=sys.stderr)

    print(json.dumps({
        "benchmark": f"{network}-pytorch-twin",
        "network": network,
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "threads": torch.get_num_threads(),
        "blas": loaded_blas(),
        "repeats": args.repeats,
        "warmup": args.warmup,
        "seed": args.seed,
        "parameters": total,
        "parametersByModule": by_part,
        "cases": results,
        "peakRssMiB": peak_rss_mib(),
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
