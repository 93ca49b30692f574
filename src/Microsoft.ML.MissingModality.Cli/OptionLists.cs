using System.Globalization;

namespace Microsoft.ML.MissingModality.Cli;

/// <summary>Comma-separated option values (<c>--ratios 0,0.5,1</c>): parsed, checked, deduplicated and sorted.</summary>
public static class OptionLists
{
    /// <summary>Parses <paramref name="text"/>; a value that does not parse or fails <paramref name="valid"/> is a usage error naming the flag.</summary>
    /// <param name="text">The option's text.</param>
    /// <param name="flag">The flag, e.g. <c>--ratios</c>.</param>
    /// <param name="what">What one value is, for messages: <c>a ratio in [0, 1]</c>.</param>
    /// <param name="valid">The check each value must pass.</param>
    public static T[] Parse<T>(string text, string flag, string what, Func<T, bool> valid) where T : ISpanParsable<T>
    {
        var values = new List<T>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!T.TryParse(part, CultureInfo.InvariantCulture, out var value) || !valid(value))
                throw new UsageException($"{flag}: '{part}' is not {what}.");
            values.Add(value);
        }
        if (values.Count == 0)
            throw new UsageException($"{flag}: give at least one value.");
        return [.. values.Distinct().Order()];
    }
}
