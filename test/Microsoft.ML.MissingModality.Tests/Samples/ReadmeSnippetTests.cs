using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.ML.MissingModality.Datasets.Synthetic;

namespace Microsoft.ML.MissingModality.Tests.Samples;

/// <summary>
/// The README's "In code" blocks and the package readme's example, compiled as printed (with the default usings of <c>dotnet new console</c>) and run
/// on the tiny synthetic dataset, so that the first code a user copies can never drift from the library again.
/// Only the two file names are pointed into a temporary folder.
/// </summary>
[TestClass]
public sealed partial class ReadmeSnippetTests : Support.TempDirectoryTest
{
    static readonly string[] ConsoleAppUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    [TestMethod]
    public void ReadmeInCode_AsPrinted_CompilesAndRuns()
    {
        string code = string.Join("\n", InCodeBlocks());
        StringAssert.Contains(code, "\"my-dataset\"");
        StringAssert.Contains(code, "\"avqa.zip\"");
        string dataset = Path.Combine(Root, "my-dataset");
        string zip = Path.Combine(Root, "avqa.zip");
        new SyntheticGenerator(SyntheticPreset.Tiny, seed: 1).Generate(dataset);
        code = code.Replace("\"my-dataset\"", Literal(dataset)).Replace("\"avqa.zip\"", Literal(zip));

        Assembly program = Compile(code);
        string output = RunCapturingConsole(program);

        StringAssert.Contains(output, "audio missing");
        StringAssert.Contains(output, "All Avg");
        Assert.IsTrue(File.Exists(zip), "the snippet saves its model zip");
    }

    [TestMethod]
    public void PackageReadme_AsPrinted_CompilesAndRuns()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "build", "package", "README.md"));
        string code = CSharpBlock().Match(readme).Groups[1].Value;
        StringAssert.Contains(code, "\"my-dataset\"");
        code = code.Replace("\"my-dataset\"", Literal(Path.Combine(Root, "my-dataset")));

        string output = RunCapturingConsole(Compile(code));

        StringAssert.Contains(output, "| accuracy (%) |");
        Assert.IsTrue(File.Exists(Path.Combine(Root, "my-dataset", "dataset.json")), "the snippet generates its dataset");
    }

    static IEnumerable<string> InCodeBlocks()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        int section = readme.IndexOf("\n## In code", StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, section, "README has no \"In code\" section");
        int end = readme.IndexOf("\n## ", section + 1, StringComparison.Ordinal);
        string text = end < 0 ? readme[section..] : readme[section..end];
        var blocks = CSharpBlock().Matches(text).Select(m => m.Groups[1].Value).ToList();
        Assert.IsGreaterThanOrEqualTo(2, blocks.Count, "the section's two C# blocks");
        return blocks;
    }

    static string Literal(string path) => SymbolDisplay.FormatLiteral(path, quote: true);

    static Assembly Compile(string code)
    {
        string globalUsings = string.Join("\n", ConsoleAppUsings.Select(u => $"global using global::{u};"));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First())
            .Where(IsManagedAssembly)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("ReadmeSnippet",
            [CSharpSyntaxTree.ParseText(globalUsings), CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest))],
            references, new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var problems = emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        Assert.IsTrue(emitted.Success && problems.Count == 0, "the README's code does not compile cleanly:\n" + string.Join("\n", problems));
        return Assembly.Load(image.ToArray());
    }

    static bool IsManagedAssembly(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    static string RunCapturingConsole(Assembly program)
    {
        var original = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
            var entry = program.EntryPoint!;
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(original);
        }
        return captured.ToString();
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
