using Parquet;
using Parquet.Schema;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>Streams questions into a questions table, one row group of reused string arrays at a time.</summary>
internal sealed class QuestionTableWriter : IAsyncDisposable
{
    private readonly ParquetFileSink _sink;
    private readonly DataField[] _fields;
    private readonly string[][] _columns;
    private int _count;

    private QuestionTableWriter(ParquetFileSink sink, DataField[] fields, int groupSize)
    {
        _sink = sink;
        _fields = fields;
        _columns = fields.Select(_ => new string[groupSize]).ToArray();
    }

    public static QuestionTableWriter Create(string path, FeatureShape shape, DatasetWriterOptions options)
    {
        var schema = ParquetTables.QuestionSchema(out var fields);
        var sink = ParquetFileSink.Create(path, schema, ParquetTables.QuestionsTable, shape, options, bufferSize: 1 << 16);
        return new QuestionTableWriter(sink, fields, options.QuestionRowGroupSize);
    }

    /// <summary>Adds a row, in <see cref="DatasetSchema.QuestionColumns"/> order.</summary>
    public void Add(QuestionRecord q)
    {
        _columns[0][_count] = q.QuestionId;
        _columns[1][_count] = q.VideoId;
        _columns[2][_count] = q.Question;
        _columns[3][_count] = q.Type.ToString();
        _columns[4][_count] = q.Template;
        _columns[5][_count] = q.Answer;
        if (++_count == _columns[0].Length)
            Flush();
    }

    private void Flush()
    {
        if (_count == 0)
            return;
        using (var group = _sink.CreateRowGroup())
        {
            for (int c = 0; c < _fields.Length; c++)
                group.WriteAsync(_fields[c], new ArraySegment<string>(_columns[c], 0, _count), null).GetAwaiter().GetResult();
        }
        _count = 0;
    }

    /// <summary>Writes the last row group and the footer, and flushes the file to disk.</summary>
    public void Complete()
    {
        Flush();
        _sink.Complete();
    }

    public ValueTask DisposeAsync() => _sink.DisposeAsync();
}
