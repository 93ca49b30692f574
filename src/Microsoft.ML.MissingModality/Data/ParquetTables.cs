using System.IO.Compression;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>Parquet schemas, options and metadata of the two tables, shared by the writers and readers.</summary>
internal static class ParquetTables
{
    public const string VideosTable = "videos";
    public const string QuestionsTable = "questions";

    /// <summary>Snappy with the level set explicitly: Parquet.Net 6.1.0's default level is pathologically slow.</summary>
    public static ParquetOptions WriteOptions(CompressionMethod method) => new()
    {
        CompressionMethod = method,
        CompressionLevel = CompressionLevel.Optimal,
    };

    public static ParquetOptions ReadOptions() => new() { TreatByteArrayAsString = true };

    public static ParquetSchema VideoSchema(out DataField videoId, out DataField audio, out DataField visual)
    {
        videoId = new DataField<string>(DatasetSchema.VideoIdColumn, false);
        var audioList = new ListField(DatasetSchema.AudioColumn, new DataField<float>("element", false));
        var visualList = new ListField(DatasetSchema.VisualColumn, new DataField<float>("element", false));
        audio = (DataField)audioList.Item;
        visual = (DataField)visualList.Item;
        return new ParquetSchema(videoId, audioList, visualList);
    }

    public static ParquetSchema QuestionSchema(out DataField[] fields)
    {
        fields = DatasetSchema.QuestionColumns.Select(c => (DataField)new DataField<string>(c, false)).ToArray();
        return new ParquetSchema(fields);
    }

    public static Dictionary<string, string> Metadata(string table, FeatureShape shape) => new()
    {
        [DatasetSchema.SchemaVersionKey] = DatasetSchema.Version,
        [DatasetSchema.TableKey] = table,
        [DatasetSchema.AudioShapeKey] = JsonSerializer.Serialize(shape.AudioShape, Internal.LibraryJson.Default.Int32Array),
        [DatasetSchema.VisualShapeKey] = JsonSerializer.Serialize(shape.VisualShape, Internal.LibraryJson.Default.Int32Array),
    };

    /// <summary>
    /// Copies the floats in <paramref name="source"/> to <paramref name="destination"/>, which may overlap it if it
    /// starts at or before it (a page's values moved down over its levels), and reports in the same pass whether all
    /// are finite (x - x is 0 only for finite x, and a NaN stays in the sum).
    /// </summary>
    public static bool CopyDownCheckingFinite(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int i = 0, width = System.Numerics.Vector<byte>.Count;
        var sum = System.Numerics.Vector<float>.Zero;
        // Forward, one vector at a time: each is read before the store that may overwrite it.
        for (; i <= source.Length - width; i += width)
        {
            var v = System.Runtime.InteropServices.MemoryMarshal.Read<System.Numerics.Vector<float>>(source[i..]);
            System.Runtime.InteropServices.MemoryMarshal.Write(destination[i..], in v);
            sum += v - v;
        }
        bool finite = System.Numerics.Vector.EqualsAll(sum, System.Numerics.Vector<float>.Zero);
        for (; i <= source.Length - sizeof(float); i += sizeof(float))
        {
            float x = System.Runtime.InteropServices.MemoryMarshal.Read<float>(source[i..]);
            System.Runtime.InteropServices.MemoryMarshal.Write(destination[i..], in x);
            finite &= float.IsFinite(x);
        }
        return finite;
    }

    /// <summary>Index of the first value that is NaN or infinite, or -1 (vectorised: x - x is 0 only for finite x).</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(values);
            for (; i < floats.Length; i++)
            {
                var v = floats[i];
                if (!System.Numerics.Vector.EqualsAll(v - v, System.Numerics.Vector<float>.Zero))
                    break;
            }
            i *= System.Numerics.Vector<float>.Count;
        }
        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                return i;
        }
        return -1;
    }
}
