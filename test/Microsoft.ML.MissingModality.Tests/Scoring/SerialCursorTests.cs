using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Internal;
using Microsoft.ML.MissingModality.Tests.Avqa;

namespace Microsoft.ML.MissingModality.Tests.Scoring;

[TestClass]
public sealed class SerialCursorTests
{
    private static List<string> Questions(DataViewRowCursor cursor)
    {
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(cursor.Schema["Question"]);
        var questions = new List<string>();
        ReadOnlyMemory<char> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            questions.Add(value.ToString());
        }
        return questions;
    }

    [TestMethod]
    public void Open_TransformChain_SameRowsInTheSameOrderAsGetRowCursor()
    {
        var context = new MLContext(seed: 1);
        var raw = context.Data.LoadFromEnumerable(TinyAvqaData.Rows(300, seed: 1));
        var data = TinyAvqaData.Preprocessing(context).Fit(raw).Transform(raw);
        var columns = new[] { data.Schema["Question"], data.Schema["QuestionTokens"], data.Schema["Visual"] };

        using var serial = SerialCursor.Open(data, columns);
        using var plain = data.GetRowCursor(columns);

        CollectionAssert.AreEqual(Questions(plain), Questions(serial));
    }
}
