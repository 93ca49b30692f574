#:project ../../src/Microsoft.ML.MissingModality
#:property PublishAot=false
// The question encoder's LSTM at the demo's shapes (batch 8, 14 tokens, 512 → 512), forward and backward:
// libtorch's nn.LSTM (oneDNN's RNN on CPU) against a hand-written LSTM whose backward forms every step's weight
// gradient in one product, and the recurrent products alone (one [B, 512] × [512, 2048] product per token each way,
// each reading the 4 MB recurrent weight). Usage (from the repository root):
//   dotnet run -c Release bench/probes/lstm-step.cs -- [BATCH] [THREADS]
// Used for docs/benchmarks.md, "Where the demo's time goes".
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

int batch = args.Length > 0 ? int.Parse(args[0]) : 8, threads = args.Length > 1 ? int.Parse(args[1]) : 2;
const int Tokens = 14, Width = 512;
set_num_threads(threads);
manual_seed(1);
var lstm = nn.LSTM(Width, Width, batchFirst: true);
var parameters = lstm.named_parameters().ToDictionary(p => p.name, p => p.parameter);
Tensor inputWeight = parameters["weight_ih_l0"], recurrentWeight = parameters["weight_hh_l0"];
Tensor inputBias = parameters["bias_ih_l0"], recurrentBias = parameters["bias_hh_l0"];
var words = randn(batch, Tokens, Width);

(Tensor H, Tensor C) Library(Tensor x) { var (_, h, c) = lstm.forward(x); return (h[-1], c[-1]); }
(Tensor H, Tensor C) HandWritten(Tensor x)
{
    var outputs = HandWrittenLstm.apply(x, inputWeight, recurrentWeight, inputBias + recurrentBias);
    return (outputs[0], outputs[1]);
}

// Both give the same state and gradients (up to float rounding) before anything is timed.
{
    using var scope = NewDisposeScope();
    var x = words.clone().requires_grad_(true);
    var (h, c) = Library(x);
    (h.sum() + (c * c).sum()).backward();
    var expected = new[] { h.detach().clone(), c.detach().clone(), x.grad!.clone(), recurrentWeight.grad!.clone(), inputWeight.grad!.clone() };
    lstm.zero_grad(); x.grad!.zero_();
    (h, c) = HandWritten(x);
    (h.sum() + (c * c).sum()).backward();
    var actual = new[] { h, c, x.grad!, recurrentWeight.grad!, inputWeight.grad! };
    double worst = expected.Zip(actual, (e, a) => (e - a).abs().max().item<float>() / Math.Max(1e-6, e.abs().max().item<float>())).Max();
    Console.WriteLine($"hand-written against nn.LSTM: largest relative difference {worst:E1}");
    if (worst > 1e-4) throw new InvalidOperationException("The hand-written LSTM disagrees with nn.LSTM.");
    lstm.zero_grad();
}

void Time(string name, Action body)
{
    var times = new List<double>();
    for (int repeat = 0; repeat < 60; repeat++)
    {
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        body();
        if (repeat >= 10) times.Add(clock.Elapsed.TotalMilliseconds);
        lstm.zero_grad();
    }
    times.Sort();
    Console.WriteLine($"{name}: median {times[times.Count / 2]:F1} ms, fastest {times[0]:F1} ms (50 repeats)");
}

void Step(Func<Tensor, (Tensor H, Tensor C)> encoder)
{
    var (h, c) = encoder(words.clone().requires_grad_(true));
    (h.sum() + c.sum()).backward();
}

var state = randn(batch, Width);
var gateGradients = randn(batch, 4 * Width);
for (int round = 1; round <= 2; round++)
{
    Console.WriteLine($"round {round}, batch {batch}, {threads} threads");
    Time("  nn.LSTM forward + backward", () => Step(Library));
    Time("  hand-written forward + backward", () => Step(HandWritten));
    Time("  14 recurrent products forward (h × W_hhᵀ)", () => { for (int t = 0; t < Tokens; t++) state.mm(recurrentWeight.t()); });
    Time("  14 recurrent products backward (dg × W_hh)", () => { for (int t = 0; t < Tokens; t++) gateGradients.mm(recurrentWeight); });
}

// An LSTM (PyTorch's gate order i, f, g, o; zero initial state) returning the last step's h and c. The backward pass
// walks the steps back once, keeping each step's gate gradients, and forms the weight and input gradients from all of
// them in one product each instead of one per step.
sealed class HandWrittenLstm : autograd.MultiTensorFunction<HandWrittenLstm>
{
    public override string Name => nameof(HandWrittenLstm);

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        Tensor x = (Tensor)vars[0], inputWeight = (Tensor)vars[1], recurrentWeight = (Tensor)vars[2], bias = (Tensor)vars[3];
        long batch = x.shape[0], tokens = x.shape[1], width = recurrentWeight.shape[1];
        var gates = nn.functional.linear(x, inputWeight, bias);       // pre-activations, then activations in place
        var hidden = zeros(batch, tokens + 1, width);
        var cells = zeros(batch, tokens + 1, width);
        for (long t = 0; t < tokens; t++)
        {
            using var scope = NewDisposeScope();
            var g = gates[.., t];
            g.addmm_(hidden[.., t], recurrentWeight.t());
            g.narrow(1, 0, 2 * width).sigmoid_();
            g.narrow(1, 2 * width, width).tanh_();
            g.narrow(1, 3 * width, width).sigmoid_();
            Tensor i = g.narrow(1, 0, width), f = g.narrow(1, width, width), candidate = g.narrow(1, 2 * width, width), o = g.narrow(1, 3 * width, width);
            var cell = cells[.., t + 1];
            cell.copy_(f * cells[.., t] + i * candidate);
            hidden[.., t + 1].copy_(o * cell.tanh());
        }
        ctx.save_for_backward([x, inputWeight, recurrentWeight, gates, hidden, cells]);
        return [hidden[.., (int)tokens].clone(), cells[.., (int)tokens].clone()];
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradients)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        Tensor x = saved[0], inputWeight = saved[1], recurrentWeight = saved[2], gates = saved[3], hidden = saved[4], cells = saved[5];
        long batch = x.shape[0], tokens = x.shape[1], width = recurrentWeight.shape[1];
        var dh = gradients[0].clone();
        var dc = gradients[1].clone();
        var gateGradients = empty_like(gates);
        for (long t = tokens - 1; t >= 0; t--)
        {
            using var step = NewDisposeScope();
            var g = gates[.., t];
            Tensor i = g.narrow(1, 0, width), f = g.narrow(1, width, width), candidate = g.narrow(1, 2 * width, width), o = g.narrow(1, 3 * width, width);
            var tanhCell = cells[.., t + 1].tanh();
            dc.add_(dh * o * (1 - tanhCell * tanhCell));
            var d = gateGradients[.., t];
            d.narrow(1, 0, width).copy_(dc * candidate * i * (1 - i));
            d.narrow(1, width, width).copy_(dc * cells[.., t] * f * (1 - f));
            d.narrow(1, 2 * width, width).copy_(dc * i * (1 - candidate * candidate));
            d.narrow(1, 3 * width, width).copy_(dh * tanhCell * o * (1 - o));
            dc.mul_(f);
            dh = d.mm(recurrentWeight).MoveToOuterDisposeScope();
        }
        var flat = gateGradients.reshape(batch * tokens, 4 * width);
        var recurrentGradient = flat.t().mm(hidden.narrow(1, 0, tokens).reshape(batch * tokens, width));
        var inputGradient = flat.t().mm(x.reshape(batch * tokens, x.shape[2]));
        var biasGradient = flat.sum(0L);
        var xGradient = flat.mm(inputWeight).reshape(x.shape);
        return [xGradient.MoveToOuterDisposeScope(), inputGradient.MoveToOuterDisposeScope(),
            recurrentGradient.MoveToOuterDisposeScope(), biasGradient.MoveToOuterDisposeScope()];
    }
}
