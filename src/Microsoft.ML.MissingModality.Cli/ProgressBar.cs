using System.Diagnostics;
using System.Globalization;

namespace Microsoft.ML.MissingModality.Cli;

/// <summary>
/// A one-line progress bar on stderr with elapsed time, rate and time left: redrawn in place on a terminal (cut to
/// the terminal's width and erased with ANSI codes, so it never wraps or leaves blank lines); on redirected output at
/// most a line every ten seconds and none at completion (the caller reports that), so logs stay readable.
/// </summary>
public sealed class ProgressBar
{
    private const int BarWidth = 24;
    private const string EraseToEndOfLine = "\u001b[K";
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private readonly TextWriter _writer;
    private readonly bool _interactive;
    private readonly Func<int> _width;
    private readonly Func<TimeSpan> _clock;
    private TimeSpan _lastLine = TimeSpan.MinValue;
    private TimeSpan _started;
    private string? _label;
    private int _lastDone;
    private bool _drawn;

    /// <summary>Draws on <paramref name="writer"/>; in place only when <paramref name="interactive"/>.</summary>
    /// <param name="writer">Where the bar goes.</param>
    /// <param name="interactive">Redraw in place (a terminal) rather than write sparse lines (a log).</param>
    /// <param name="width">The terminal's width in characters (null: the console's).</param>
    /// <param name="clock">Elapsed time since some fixed start (null: a stopwatch started now).</param>
    public ProgressBar(TextWriter writer, bool interactive, Func<int>? width = null, Func<TimeSpan>? clock = null)
    {
        _writer = writer;
        _interactive = interactive;
        _width = width ?? ConsoleWidth;
        if (clock is null)
        {
            var stopwatch = Stopwatch.StartNew();
            clock = () => stopwatch.Elapsed;
        }
        _clock = clock;
    }

    /// <summary>For the process's stderr: interactive when it is a terminal.</summary>
    public static ProgressBar ForStandardError(TextWriter writer) =>
        new(writer, ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);

    /// <summary>Shows <paramref name="done"/> of <paramref name="total"/> (unknown total: a count only).</summary>
    /// <param name="label">What is running, e.g. <c>epoch 3/10</c>; a new label (or a count that went back) restarts the clock.</param>
    /// <param name="done">Steps done.</param>
    /// <param name="total">Steps in all, when known.</param>
    /// <param name="detail">Appended after the timing, e.g. the batch loss.</param>
    public void Update(string label, int done, int? total, string detail = "")
    {
        TimeSpan now = _clock();
        if (label != _label || done < _lastDone)
        {
            _label = label;
            _started = now;
        }
        _lastDone = done;
        string line = Format(label, done, total, now - _started, detail);
        if (_interactive)
        {
            int room = Math.Max(20, _width() - 1);
            _writer.Write("\r" + (line.Length > room ? line[..room] : line) + EraseToEndOfLine);
            _drawn = true;
        }
        else if ((_lastLine == TimeSpan.MinValue || now - _lastLine >= LogInterval) && !(total is int all && done == all))
        {
            _writer.WriteLine(line);
            _lastLine = now;
        }
    }

    /// <summary>Erases the bar's line so that the next output starts on a clean one.</summary>
    public void Clear()
    {
        if (_drawn)
            _writer.Write("\r" + EraseToEndOfLine);
        _drawn = false;
    }

    /// <summary>The bar's text, e.g. <c>epoch 3/10 [######......] 12/40 0:07, 1.7/s, 0:16 left  loss 1.23</c>.</summary>
    public static string Format(string label, int done, int? total, TimeSpan elapsed, string detail)
    {
        string progress = total is int t && t > 0
            ? $"[{new string('#', Filled(done, t))}{new string('.', BarWidth - Filled(done, t))}] {done}/{t}"
            : done.ToString(CultureInfo.InvariantCulture);
        string timing = Clock(elapsed);
        if (done > 0 && elapsed > TimeSpan.Zero)
        {
            double rate = done / elapsed.TotalSeconds;
            timing += ", " + rate.ToString(rate >= 10 ? "F0" : "F1", CultureInfo.InvariantCulture) + "/s";
            if (total is int all && all > done)
                timing += ", " + Clock(TimeSpan.FromSeconds((all - done) / rate)) + " left";
        }
        return $"  {label} {progress} {timing}" + (detail.Length > 0 ? "  " + detail : "");
    }

    private static int Filled(int done, int total) => Math.Clamp(done * BarWidth / total, 0, BarWidth);

    private static string Clock(TimeSpan span) => span.TotalHours >= 1
        ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : span.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static int ConsoleWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
