namespace Microsoft.ML.MissingModality.Cli;

/// <summary>
/// A one-line progress bar on stderr: redrawn in place on a terminal; on redirected output at most a line every ten
/// seconds and none at completion (the caller reports that), so logs stay readable.
/// </summary>
public sealed class ProgressBar
{
    private const int Width = 30;
    private readonly TextWriter _writer;
    private readonly bool _interactive;
    private DateTime _lastLine = DateTime.MinValue;
    private bool _drawn;

    /// <summary>Draws on <paramref name="writer"/>; in place only when <paramref name="interactive"/>.</summary>
    public ProgressBar(TextWriter writer, bool interactive)
    {
        _writer = writer;
        _interactive = interactive;
    }

    /// <summary>For the process's stderr: interactive when it is a terminal.</summary>
    public static ProgressBar ForStandardError(TextWriter writer) =>
        new(writer, ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);

    /// <summary>Shows <paramref name="done"/> of <paramref name="total"/> (unknown total: a count only).</summary>
    public void Update(string label, int done, int? total, string detail = "")
    {
        string bar = total is int t && t > 0
            ? $"[{new string('#', Math.Min(Width, done * Width / t))}{new string('.', Width - Math.Min(Width, done * Width / t))}] {done}/{t}"
            : $"{done}";
        string line = $"  {label} {bar} {detail}";
        if (_interactive)
        {
            _writer.Write("\r" + line.PadRight(Console.WindowWidth > 0 ? Math.Min(Console.WindowWidth - 1, 120) : 100));
            _drawn = true;
        }
        else if (DateTime.UtcNow - _lastLine > TimeSpan.FromSeconds(10) && !(total is int all && done == all))
        {
            _writer.WriteLine(line);
            _lastLine = DateTime.UtcNow;
        }
    }

    /// <summary>Ends the bar's line so that the next output starts on a fresh one.</summary>
    public void Clear()
    {
        if (_drawn)
            _writer.Write("\r" + new string(' ', 100) + "\r");
        _drawn = false;
    }
}
