using System.Text;
using System.Text.Json;

namespace Microsoft.ML.MissingModality.Tests.Samples;

/// <summary>
/// Turns a sample written as a .NET 10 file-based app (<c>samples/NAME.cs</c>) into its notebook twin
/// (<c>samples/notebooks/NAME.ipynb</c>), so that the two can never say different things. The app marks cells with
/// comment lines: <c>// %% [markdown]</c> starts a markdown cell (its <c>//</c> lines, unprefixed), <c>// %%</c> a
/// code cell, <c>// %% app-only</c> code the notebook leaves out, and <c>// %% notebook-only</c> a cell whose
/// <c>//&gt; </c> lines are code only the notebook runs. The <c>#:package</c> directives become the notebook's first
/// cell: the local feed (<c>#i</c>) and one <c>#r "nuget: ..."</c> per package.
/// </summary>
internal static class NotebookTwin
{
    private enum CellKind { Preamble, Markdown, Code, AppOnly, NotebookOnly }

    public static string FromApp(string appSource, string localFeed)
    {
        var cells = new List<(string Type, List<string> Lines)>();
        var packages = new List<string>();
        var kind = CellKind.Preamble;
        List<string>? current = null;
        foreach (string raw in appSource.Replace("\r\n", "\n").Split('\n'))
        {
            string line = raw.TrimEnd();
            if (line.StartsWith("#:package ", StringComparison.Ordinal))
            {
                string[] nameAndVersion = line["#:package ".Length..].Split('@');
                packages.Add($"#r \"nuget: {nameAndVersion[0]}, {nameAndVersion[1]}\"");
                continue;
            }
            if (line.StartsWith("// %%", StringComparison.Ordinal))
            {
                kind = line switch
                {
                    "// %% [markdown]" => CellKind.Markdown,
                    "// %%" => CellKind.Code,
                    "// %% app-only" => CellKind.AppOnly,
                    "// %% notebook-only" => CellKind.NotebookOnly,
                    _ => throw new FormatException($"Unknown cell marker: {line}"),
                };
                current = null;
                if (kind is not (CellKind.AppOnly or CellKind.Preamble))
                {
                    current = [];
                    cells.Add((kind == CellKind.Markdown ? "markdown" : "code", current));
                }
                continue;
            }
            switch (kind)
            {
                case CellKind.Markdown:
                    current!.Add(line == "//" ? "" : line.StartsWith("// ", StringComparison.Ordinal) ? line[3..]
                        : throw new FormatException($"A markdown cell line must start with '// ': {line}"));
                    break;
                case CellKind.NotebookOnly:
                    current!.Add(line.StartsWith("//> ", StringComparison.Ordinal) ? line[4..]
                        : throw new FormatException($"A notebook-only line must start with '//> ': {line}"));
                    break;
                case CellKind.Code:
                    current!.Add(line);
                    break;
            }
        }
        cells.Insert(0, ("code", PackageCell(localFeed, packages)));
        return Write(cells.Select(c => (c.Type, Trim(c.Lines))).Where(c => c.Item2.Count > 0).ToList());
    }

    // #i takes a literal absolute path, so the cell resolves the feed from the notebook's folder and submits the
    // directives itself; the usings are those a file-based app gets implicitly.
    private static List<string> PackageCell(string localFeed, List<string> references) =>
    [
        "// The packages, from the repository's local feed (`dotnet pack -c Release` fills it). Once they come from a",
        "// NuGet feed your machine already uses, the #r lines alone are enough.",
        "using System.IO;",
        "using System.Net.Http;",
        "using System.Threading;",
        $"var localFeed = Path.GetFullPath(\"{localFeed}\");",
        "await Microsoft.DotNet.Interactive.Kernel.Root.SendAsync(new Microsoft.DotNet.Interactive.Commands.SubmitCode(",
        "    $\"#i \\\"nuget: {localFeed}\\\"\\n\" +",
        .. references.Select((r, i) => "    \"" + r.Replace("\"", "\\\"") + (i < references.Count - 1 ? "\\n\" +" : "\", \"csharp\"));")),
    ];

    private static List<string> Trim(List<string> lines)
    {
        int start = 0, end = lines.Count;
        while (start < end && lines[start].Length == 0) start++;
        while (end > start && lines[end - 1].Length == 0) end--;
        return lines.GetRange(start, end - start);
    }

    private static string Write(List<(string Type, List<string> Lines)> cells)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentSize = 1, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("cells");
            foreach (var (type, lines) in cells)
            {
                json.WriteStartObject();
                json.WriteString("cell_type", type);
                if (type == "code")
                    json.WriteNull("execution_count");
                json.WriteStartObject("metadata");
                if (type == "code")
                {
                    json.WriteStartObject("dotnet_interactive");
                    json.WriteString("language", "csharp");
                    json.WriteEndObject();
                    json.WriteStartObject("polyglot_notebook");
                    json.WriteString("kernelName", "csharp");
                    json.WriteEndObject();
                }
                json.WriteEndObject();
                if (type == "code")
                {
                    json.WriteStartArray("outputs");
                    json.WriteEndArray();
                }
                json.WriteStartArray("source");
                for (int i = 0; i < lines.Count; i++)
                    json.WriteStringValue(i < lines.Count - 1 ? lines[i] + "\n" : lines[i]);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartObject("metadata");
            json.WriteStartObject("kernelspec");
            json.WriteString("display_name", ".NET (C#)");
            json.WriteString("language", "C#");
            json.WriteString("name", ".net-csharp");
            json.WriteEndObject();
            json.WriteStartObject("language_info");
            json.WriteString("name", "polyglot-notebook");
            json.WriteEndObject();
            json.WriteStartObject("polyglot_notebook");
            json.WriteStartObject("kernelInfo");
            json.WriteString("defaultKernelName", "csharp");
            json.WriteStartArray("items");
            json.WriteStartObject();
            json.WriteStartArray("aliases");
            json.WriteEndArray();
            json.WriteString("name", "csharp");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteNumber("nbformat", 4);
            json.WriteNumber("nbformat_minor", 5);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
