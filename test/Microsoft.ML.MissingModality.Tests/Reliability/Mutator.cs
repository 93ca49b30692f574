using System.Text;
using System.Text.RegularExpressions;

namespace Microsoft.ML.MissingModality.Tests.Reliability;

/// <summary>
/// Seeded mutations of a file's bytes, the kinds a broken disk, a cut download or a careless edit make: truncation,
/// flipped bits, overwritten runs (zeros, 0xFF, random), a duplicated or deleted chunk, and for JSON text a number,
/// string or value replaced by one of the wrong type or an absurd size.
/// </summary>
internal sealed partial class Mutator(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly string[] JsonValues =
        ["-1", "0", "1.5", "1e400", "2147483648", "9223372036854775808", "\"x\"", "null", "true", "[]", "{}", "[1,2]", "\"../x\"", "\"\""];

    /// <summary>A mutant of <paramref name="original"/> and a short description of what was done.</summary>
    public (byte[] Bytes, string What) Mutate(byte[] original, bool json = false)
    {
        if (json && _random.Next(2) == 0)
            return MutateJson(Encoding.UTF8.GetString(original));
        var bytes = (byte[])original.Clone();
        int at = _random.Next(Math.Max(1, bytes.Length));
        switch (_random.Next(6))
        {
            case 0:
                return (bytes[..at], $"truncated at {at}");
            case 1:
            {
                int flips = 1 + _random.Next(8);
                for (int i = 0; i < flips; i++)
                    bytes[_random.Next(bytes.Length)] ^= (byte)(1 << _random.Next(8));
                return (bytes, $"{flips} bits flipped");
            }
            case 2:
            {
                int length = Math.Min(1 + _random.Next(16), bytes.Length - at);
                byte fill = (byte)(_random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => _random.Next(256) });
                bytes.AsSpan(at, length).Fill(fill);
                return (bytes, $"{length} bytes at {at} set to 0x{fill:X2}");
            }
            case 3:
            {
                int length = Math.Min(1 + _random.Next(64), bytes.Length - at);
                _random.NextBytes(bytes.AsSpan(at, length));
                return (bytes, $"{length} random bytes at {at}");
            }
            case 4:
            {
                int length = Math.Min(1 + _random.Next(256), bytes.Length - at);
                return ([.. bytes[..at], .. bytes[at..(at + length)], .. bytes[at..]], $"{length} bytes at {at} duplicated");
            }
            default:
            {
                int length = Math.Min(1 + _random.Next(256), bytes.Length - at);
                return ([.. bytes[..at], .. bytes[(at + length)..]], $"{length} bytes at {at} deleted");
            }
        }
    }

    private (byte[], string) MutateJson(string text)
    {
        var values = JsonValue().Matches(text);
        if (values.Count == 0)
            return (Encoding.UTF8.GetBytes(text), "unchanged");
        var target = values[_random.Next(values.Count)];
        string replacement = JsonValues[_random.Next(JsonValues.Length)];
        string mutated = text[..target.Index] + replacement + text[(target.Index + target.Length)..];
        return (Encoding.UTF8.GetBytes(mutated), $"JSON value {Shorten(target.Value)} at {target.Index} → {replacement}");
    }

    private static string Shorten(string s) => s.Length <= 30 ? s : s[..30] + "…";

    /// <summary>A JSON value after a colon or inside an array: a number, a string, true/false/null.</summary>
    [GeneratedRegex(@"(?<=[:\[,]\s*)(-?\d+(\.\d+)?([eE][+-]?\d+)?|""[^""]*""|true|false|null)")]
    private static partial Regex JsonValue();
}
