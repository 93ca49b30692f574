// Usage: dotnet run --project samples/QuickStart -c Release [-- OUTPUT_DIR]
using QuickStart;

string output = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "avqa-quickstart");
QuickStartSample.Run(output, Console.Out);
