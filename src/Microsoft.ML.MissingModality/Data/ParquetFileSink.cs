using Parquet;
using Parquet.Schema;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// One Parquet file being written for a dataset table: creates it (never over an existing file), stamps the table's
/// key-value metadata, hands out row groups, and on <see cref="Complete"/> writes the footer and flushes to disk.
/// Shared by the videos and questions table writers, which only decide what goes in a row group.
/// </summary>
internal sealed class ParquetFileSink : IAsyncDisposable
{
    private readonly FileStream _stream;
    private readonly ParquetWriter _writer;

    private ParquetFileSink(FileStream stream, ParquetWriter writer)
    {
        _stream = stream;
        _writer = writer;
    }

    public static ParquetFileSink Create(string path, ParquetSchema schema, string table, FeatureShape shape, DatasetWriterOptions options, int bufferSize)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize);
        try
        {
            var writer = ParquetWriter.CreateAsync(schema, stream, ParquetTables.WriteOptions(options.Compression)).GetAwaiter().GetResult();
            writer.CustomMetadata = ParquetTables.Metadata(table, shape);
            return new ParquetFileSink(stream, writer);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public ParquetRowGroupWriter CreateRowGroup() => _writer.CreateRowGroup();

    /// <summary>Writes the footer and flushes the file to disk.</summary>
    public void Complete()
    {
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _writer.DisposeAsync();
        }
        catch (Exception)
        {
            // Disposing after a failure: the temporary file is deleted by the owner anyway.
        }
        await _stream.DisposeAsync();
    }
}
