namespace Microsoft.ML.MissingModality.Cli;

/// <summary>A command line that parses but asks for something impossible (a value out of range, options that exclude each other): exit 2.</summary>
public sealed class UsageException(string message) : Exception(message);
