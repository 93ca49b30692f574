using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Reads NumPy <c>.npy</c> files (format versions 1, 2 and 3; C or Fortran order; little- or big-endian
/// float32, float64 or float16) into float32 in C order, and writes float32 ones. Malformed or truncated files raise an
/// <see cref="AvqaDataException"/> naming the file.
/// </summary>
public static partial class NpyFile
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a whole <c>.npy</c> file.</summary>
    /// <exception cref="AvqaDataException">The file is not a readable <c>.npy</c> of a float type.</exception>
    public static NpyArray Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new AvqaDataException(path, null, null, $"Cannot read: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>
    /// Writes float32 values in C order as a <c>.npy</c> file (format 1.0, little-endian, as <c>numpy.save</c> does),
    /// e.g. to hand features computed in .NET to the MUSIC-AVQA importer or to NumPy. The file appears whole or not at
    /// all (written beside it, then renamed); an existing file is replaced only when <paramref name="overwrite"/>.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="values">The values, C order (last dimension fastest).</param>
    /// <param name="shape">The array's shape; its product must equal the number of values.</param>
    /// <param name="overwrite">Replace an existing file.</param>
    /// <exception cref="ArgumentException">The shape is empty, has a negative dimension or does not match the values.</exception>
    /// <exception cref="OutputExistsException">The file exists and <paramref name="overwrite"/> is false.</exception>
    public static void Write(string path, ReadOnlySpan<float> values, int[] shape, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0 || shape.Any(d => d < 0))
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) must have at least one dimension, none negative.", nameof(shape));
        long count = shape.Aggregate(1L, (product, d) => checked(product * d));
        if (count != values.Length)
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) holds {count} values, not {values.Length}.", nameof(values));
        if (File.Exists(path) && !overwrite)
            throw new OutputExistsException(path, $"'{path}' already exists.");

        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        string dictionary = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shapeText}, }}";
        int unpadded = Magic.Length + 4 + dictionary.Length + 1;
        string header = dictionary + new string(' ', (unpadded + 63) / 64 * 64 - unpadded) + "\n";
        var bytes = new byte[Magic.Length + 4 + header.Length + values.Length * sizeof(float)];
        Magic.CopyTo(bytes);
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.Latin1.GetBytes(header, bytes.AsSpan(10));
        var data = bytes.AsSpan(10 + header.Length);
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(data[(i * sizeof(float))..], values[i]);

        string temporary = TemporaryOutput.Beside(Path.GetFullPath(path));
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite);
        }
        finally
        {
            TemporaryOutput.Delete(temporary);
        }
    }

    /// <summary>Parses the bytes of a <c>.npy</c> file; <paramref name="path"/> only names it in errors.</summary>
    public static NpyArray Parse(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw Bad(path, "Not a .npy file (no \\x93NUMPY magic).");
        int major = bytes[6];
        int headerLength, headerStart;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
                headerStart = 10;
                break;
            case 2 or 3:
                if (bytes.Length < 12)
                    throw Bad(path, "Truncated header.");
                uint declared = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
                if (declared > bytes.Length)
                    throw Bad(path, $"Truncated header: it declares {declared} bytes, the file has {bytes.Length}.");
                headerLength = (int)declared;
                headerStart = 12;
                break;
            default:
                throw Bad(path, $"Unsupported .npy format version {major}.{bytes[7]}.");
        }
        if (bytes.Length < (long)headerStart + headerLength)
            throw Bad(path, "Truncated header.");
        var headerEncoding = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        string header = headerEncoding.GetString(bytes.Slice(headerStart, headerLength));
        string descr = Field(DescrPattern(), header, "descr", path);
        if (descr.Length < 2)
            throw Bad(path, $"Unsupported dtype '{descr}'; expected float32, float64 or float16.");
        bool fortran = Field(FortranPattern(), header, "fortran_order", path) == "True";
        string shapeText = Field(ShapePattern(), header, "shape", path);
        int[] shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s =>
            int.TryParse(s, out int d) && d >= 0 ? d : throw Bad(path, $"Bad shape ({shapeText}).")).ToArray();
        var data = bytes[(headerStart + headerLength)..];
        long count = 1;
        foreach (int d in shape)
            count = Math.Min(count * d, (long)int.MaxValue + 1); // bounded by the data check below; no overflow
        bool bigEndian = descr[0] == '>';
        int size = descr[1..] switch
        {
            "f4" => 4,
            "f8" => 8,
            "f2" => 2,
            _ => throw Bad(path, $"Unsupported dtype '{descr}'; expected float32, float64 or float16."),
        };
        if (descr[0] is not ('<' or '>' or '|' or '='))
            throw Bad(path, $"Unsupported dtype '{descr}'.");
        if (data.Length < count * size)
            throw Bad(path, $"Truncated data: shape ({shapeText}) needs {count * size} bytes, the file has {data.Length}.");
        var values = new float[count];
        if (size == 4 && bigEndian != BitConverter.IsLittleEndian)
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data[..(int)(count * 4)]).CopyTo(values);
        else
        {
            for (long i = 0; i < count; i++)
                values[i] = Item(data.Slice((int)(i * size), size), size, bigEndian);
        }
        if (fortran && shape.Length > 1)
            values = FortranToC(values, shape);
        return new NpyArray(shape, values);
    }

    private static float Item(ReadOnlySpan<byte> item, int size, bool bigEndian) => size switch
    {
        4 => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(item) : BinaryPrimitives.ReadSingleLittleEndian(item),
        8 => (float)(bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(item) : BinaryPrimitives.ReadDoubleLittleEndian(item)),
        _ => (float)(bigEndian ? BinaryPrimitives.ReadHalfBigEndian(item) : BinaryPrimitives.ReadHalfLittleEndian(item)),
    };

    /// <summary>Reorders column-major values to row-major.</summary>
    private static float[] FortranToC(float[] f, int[] shape)
    {
        var c = new float[f.Length];
        int n = shape.Length;
        var index = new int[n];
        var fStride = new long[n];
        fStride[0] = 1;
        for (int d = 1; d < n; d++)
            fStride[d] = fStride[d - 1] * shape[d - 1];
        for (long i = 0; i < c.Length; i++)
        {
            long at = 0;
            for (int d = 0; d < n; d++)
                at += index[d] * fStride[d];
            c[i] = f[at];
            for (int d = n - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d])
                    break;
                index[d] = 0;
            }
        }
        return c;
    }

    private static string Field(Regex pattern, string header, string name, string path)
    {
        var m = pattern.Match(header);
        return m.Success ? m.Groups[1].Value : throw Bad(path, $"The header has no '{name}' ({header.Trim()}).");
    }

    private static AvqaDataException Bad(string path, string detail) => new(path, null, null, detail);

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
