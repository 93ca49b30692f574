using Microsoft.ML.MissingModality.Cli;

namespace Microsoft.ML.MissingModality.Tests.Cli;

[TestClass]
public sealed class ProgressBarTests
{
    [TestMethod]
    public void Format_KnownTotal_ShowsElapsedRateAndTimeLeft()
    {
        string line = ProgressBar.Format("epoch 1/2", 10, 40, TimeSpan.FromSeconds(5), "loss 1.2");
        StringAssert.Contains(line, "epoch 1/2 [######..................] 10/40");
        StringAssert.Contains(line, "0:05, 2.0/s, 0:15 left");
        StringAssert.EndsWith(line, "  loss 1.2");
    }

    [TestMethod]
    public void Format_UnknownTotal_ShowsCountAndRateOnly()
    {
        string line = ProgressBar.Format("scoring", 300, null, TimeSpan.FromSeconds(10), "");
        Assert.AreEqual("  scoring 300 0:10, 30/s", line);
    }

    [TestMethod]
    public void Update_Terminal_NeverWiderThanTheTerminal()
    {
        var writer = new StringWriter();
        var bar = new ProgressBar(writer, interactive: true, width: () => 40, clock: () => TimeSpan.FromSeconds(1));
        bar.Update("epoch 1/10", 3, 40, "loss 1.2345, a detail long enough to wrap a narrow terminal");
        string drawn = writer.ToString();
        StringAssert.StartsWith(drawn, "\r");
        StringAssert.EndsWith(drawn, "\u001b[K");
        Assert.IsLessThanOrEqualTo(39, drawn.Length - "\r".Length - "\u001b[K".Length);
    }

    [TestMethod]
    public void Clear_AfterDrawing_ErasesTheLineWithoutPadding()
    {
        var writer = new StringWriter();
        var bar = new ProgressBar(writer, interactive: true, width: () => 80, clock: () => TimeSpan.Zero);
        bar.Update("epoch 1/1", 1, 2);
        bar.Clear();
        bar.Clear();
        string text = writer.ToString();
        StringAssert.EndsWith(text, "\r\u001b[K");
        Assert.DoesNotContain("  \r", text);
        Assert.AreEqual(2, text.Split('\r').Length - 1, "one draw, one erase: a second Clear writes nothing");
    }

    [TestMethod]
    public void Update_Redirected_WritesALineAtMostEveryTenSecondsAndNoneAtCompletion()
    {
        var writer = new StringWriter();
        var now = TimeSpan.Zero;
        var bar = new ProgressBar(writer, interactive: false, clock: () => now);
        for (int step = 1; step <= 30; step++)
        {
            now = TimeSpan.FromSeconds(step);
            bar.Update("epoch 1/1", step, 30);
        }
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Steps 1, 11 and 21 are written; 30 (completion) is left to the caller's epoch line.
        Assert.HasCount(3, lines);
        StringAssert.Contains(lines[1], "11/30");
        Assert.DoesNotContain("\r", writer.ToString());
    }
}
