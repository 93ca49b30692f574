namespace Microsoft.ML.MissingModality.Data;

/// <summary>Reads the active string columns of one questions row group at a time into reused arrays.</summary>
internal sealed class QuestionGroupReader : IDisposable
{
    private readonly ParquetTableFile _file;
    private readonly bool[] _active;
    private readonly string?[][] _columns;

    /// <param name="path">The questions file.</param>
    /// <param name="shape">Shape to check the file's metadata against.</param>
    /// <param name="active">Per column of <see cref="DatasetSchema.QuestionColumns"/>, whether to read it.</param>
    public QuestionGroupReader(string path, FeatureShape shape, bool[] active)
    {
        _file = ParquetTableFile.Open(path, ParquetTables.QuestionsTable, shape);
        _active = active;
        _columns = active.Select(_ => Array.Empty<string?>()).ToArray();
    }

    public ParquetTableFile File => _file;

    public int Rows { get; private set; }

    /// <summary>The values of column <paramref name="c"/> (index into QuestionColumns) of the loaded group.</summary>
    public string?[] Column(int c) => _columns[c];

    public void Load(int group)
    {
        Rows = _file.GroupRows(group);
        var names = DatasetSchema.QuestionColumns;
        for (int c = 0; c < names.Count; c++)
        {
            if (!_active[c])
                continue;
            if (_columns[c].Length < Rows)
                _columns[c] = new string?[Rows];
            _file.ReadStrings(group, names[c], _columns[c]);
            if (names[c] == DatasetSchema.QuestionTypeColumn)
            {
                for (int r = 0; r < Rows; r++)
                {
                    if (!QuestionType.TryParse(_columns[c][r], out _))
                        throw new AvqaDataException(_file.Path, names[c], _file.GroupStart(group) + r,
                            $"Unknown question type '{_columns[c][r]}'. Expected one of: {string.Join(", ", QuestionType.All)}.");
                }
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
