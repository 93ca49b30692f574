using System.CommandLine;

namespace Microsoft.ML.MissingModality.Cli;

/// <summary>
/// Range rules on numeric options, checked while parsing: a bad value is a usage error naming the flag (exit 2)
/// before anything is read, generated or trained, never a library message naming an options property.
/// </summary>
public static class OptionRules
{
    /// <summary>The value must be at least <paramref name="minimum"/>.</summary>
    public static Option<int> AtLeast(this Option<int> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value < minimum)
                result.AddError($"{option.Name} must be at least {minimum}; got {value}.");
        });
        return option;
    }

    /// <summary>The value, when given, must be at least <paramref name="minimum"/>.</summary>
    public static Option<int?> AtLeast(this Option<int?> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            int? value = result.GetValueOrDefault<int?>();
            if (value < minimum)
                result.AddError($"{option.Name} must be at least {minimum}; got {value}.");
        });
        return option;
    }

    /// <summary><c>--videos-per-shard N</c> of the commands that write datasets (<see cref="Data.DatasetWriterOptions.VideosPerShard"/>).</summary>
    public static Option<int?> VideosPerShard() =>
        new Option<int?>("--videos-per-shard") { Description = "Write each split as shards of N videos (several files per split, read one after another); default: one file pair per split." }.AtLeast(1);

    /// <summary>
    /// <c>--compression snappy|none</c> of the commands that write datasets (<see cref="Data.DatasetWriterOptions.Compression"/>):
    /// Snappy makes smaller files, none the fastest reading (docs/benchmarks.md, the data path).
    /// </summary>
    public static Option<string> Compression()
    {
        var option = new Option<string>("--compression")
        {
            Description = "Compression of the Parquet tables: snappy (smaller files) or none (fastest to read, larger files).",
            DefaultValueFactory = _ => "snappy",
        };
        option.AcceptOnlyFromAmong("snappy", "none");
        return option;
    }

    /// <summary>The Parquet codec named by <see cref="Compression"/>'s value.</summary>
    public static Parquet.CompressionMethod CompressionMethod(string? name) =>
        name == "none" ? Parquet.CompressionMethod.None : Parquet.CompressionMethod.Snappy;

    /// <summary>The value must be a positive finite number.</summary>
    public static Option<double> PositiveFinite(this Option<double> option)
    {
        option.Validators.Add(result =>
        {
            double value = result.GetValueOrDefault<double>();
            if (!(value > 0) || !double.IsFinite(value))
                result.AddError($"{option.Name} must be a positive finite number; got {value}.");
        });
        return option;
    }
}
