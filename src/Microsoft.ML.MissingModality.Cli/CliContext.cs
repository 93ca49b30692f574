namespace Microsoft.ML.MissingModality.Cli;

/// <summary>Where commands write: normal output and error messages (the console, or writers a test passes).</summary>
/// <param name="Out">Normal output (summaries, progress).</param>
/// <param name="Error">Error messages.</param>
public sealed record CliContext(TextWriter Out, TextWriter Error);
