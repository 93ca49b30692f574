using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Tests.Data;

/// <summary>One question row as read back through the IDataView.</summary>
internal sealed record ReadRow(string QuestionId, string VideoId, string Question, string Type, string Template, string Answer,
    float[] Audio, float[] Visual, bool AudioMissing, bool VisualMissing);

internal static class DataViewReading
{
    public static List<ReadRow> ReadAll(IDataView view)
    {
        var s = view.Schema;
        var rows = new List<ReadRow>();
        using var cursor = view.GetRowCursor(s);
        var text = new[] { AvqaColumns.QuestionId, AvqaColumns.VideoId, AvqaColumns.Question, AvqaColumns.QuestionType, AvqaColumns.Template, AvqaColumns.Answer }
            .Select(n => cursor.GetGetter<ReadOnlyMemory<char>>(s[n])).ToArray();
        var audio = cursor.GetGetter<VBuffer<float>>(s[AvqaColumns.Audio]);
        var visual = cursor.GetGetter<VBuffer<float>>(s[AvqaColumns.Visual]);
        var am = cursor.GetGetter<bool>(s[AvqaColumns.AudioMissing]);
        var vm = cursor.GetGetter<bool>(s[AvqaColumns.VisualMissing]);
        var t = new ReadOnlyMemory<char>[6];
        VBuffer<float> a = default, v = default;
        bool amv = false, vmv = false;
        while (cursor.MoveNext())
        {
            for (int i = 0; i < 6; i++)
                text[i](ref t[i]);
            audio(ref a);
            visual(ref v);
            am(ref amv);
            vm(ref vmv);
            rows.Add(new ReadRow(t[0].ToString(), t[1].ToString(), t[2].ToString(), t[3].ToString(), t[4].ToString(), t[5].ToString(),
                a.DenseValues().ToArray(), v.DenseValues().ToArray(), amv, vmv));
        }
        return rows;
    }

    public static List<string> ReadIds(IDataView view)
    {
        var ids = new List<string>();
        using var cursor = view.GetRowCursor([view.Schema[AvqaColumns.QuestionId]]);
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema[AvqaColumns.QuestionId]);
        ReadOnlyMemory<char> id = default;
        while (cursor.MoveNext())
        {
            getter(ref id);
            ids.Add(id.ToString());
        }
        return ids;
    }
}
