using System.Collections;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using MiniExcelLibs.OpenXml;

namespace ChiSo.Features.Surveys;

/// <summary>Exports a round's responses to XLSX: one row per response, one column per question. Rows stream from the
/// database through a data reader into MiniExcel, so memory stays flat whatever the number of responses (132,229 × 510
/// columns is the size the issue asks for).</summary>
public static class ResponseExport
{
    public static readonly string[] FixedColumns = ["Mã phiếu", "Đơn vị", "Nhóm đối tượng", "Kênh", "Ngày", "Duyệt"];

    /// <summary>Writes the workbook; false when the round does not exist. The stream must be seekable (a file): the
    /// zip writer goes back to fill in sizes.</summary>
    public static async Task<bool> WriteAsync(ChiSoDb db, int roundId, Stream output, Actor actor, CancellationToken ct = default)
    {
        Rounds.RequireRead(actor);
        var round = await db.SurveyRounds.AsNoTracking().FirstOrDefaultAsync(r => r.Id == roundId, ct);
        if (round is null) return false;
        var questionnaire = await RoundScoring.LoadQuestionnaireAsync(db, round.QuestionnaireId, ct);
        var sectionOrder = questionnaire.Sections.ToDictionary(s => s.Id, s => s.Order);
        var questions = questionnaire.Questions.OrderBy(q => sectionOrder.GetValueOrDefault(q.SectionId)).ThenBy(q => q.Order).ThenBy(q => q.Id).ToList();
        var units = await db.Units.AsNoTracking().Select(u => new { u.Id, u.Code }).ToDictionaryAsync(u => u.Id, u => u.Code, ct);
        var rows = db.SurveyResponses.AsNoTracking().Where(r => r.RoundId == roundId).OrderBy(r => r.Id)
            .Select(r => new ResponseRow(r.Id, r.UnitId, r.Group, r.Channel, r.SubmittedOn, r.Review, r.Answers));
        using var reader = new ResponseReader(rows, questions, units);
        // MiniExcel reads a data reader synchronously; the database read behind it is the synchronous EF enumeration.
        await Task.Run(() => output.SaveAs(reader, configuration: new OpenXmlConfiguration { EnableAutoWidth = false }, sheetName: "Phiếu trả lời"), ct);
        return true;
    }

    internal sealed record ResponseRow(long Id, int UnitId, string Group, ResponseChannel Channel, DateOnly SubmittedOn, ResponseReview Review, string Answers);

    /// <summary>A forward-only reader over the responses: the fixed columns, then each question code. One row's values
    /// are held at a time; a five-level answer is written as a number.</summary>
    sealed class ResponseReader : DbDataReader
    {
        static readonly object[] Digits = Enumerable.Range(0, 10).Select(i => (object)i).ToArray();
        readonly IEnumerator<ResponseRow> rows;
        readonly string[] names;
        readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> columns;
        readonly bool[] numeric;
        readonly Dictionary<int, string> units;
        readonly object?[] values;
        byte[] buffer = new byte[4096];

        public ResponseReader(IQueryable<ResponseRow> source, List<Question> questions, Dictionary<int, string> units)
        {
            rows = source.AsEnumerable().GetEnumerator();
            names = [.. FixedColumns, .. questions.Select(q => q.Code)];
            var byCode = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < questions.Count; i++) byCode.TryAdd(questions[i].Code, FixedColumns.Length + i);
            columns = byCode.GetAlternateLookup<ReadOnlySpan<char>>();
            numeric = [.. FixedColumns.Select(_ => false), .. questions.Select(q => q.Type is QuestionType.Scale5 or QuestionType.Likert5 or QuestionType.Number)];
            this.units = units;
            values = new object?[names.Length];
        }

        public override bool Read()
        {
            if (!rows.MoveNext()) return false;
            var r = rows.Current;
            Array.Clear(values);
            values[0] = r.Id;
            values[1] = units.GetValueOrDefault(r.UnitId, r.UnitId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            values[2] = r.Group;
            values[3] = r.Channel switch { ResponseChannel.Online => "Trực tuyến", ResponseChannel.Paper => "Phiếu giấy", _ => "Qua API" };
            values[4] = ViText.Date(r.SubmittedOn);
            values[5] = r.Review switch { ResponseReview.Accepted => "Hợp lệ", ResponseReview.Flagged => "Chờ xem xét", _ => "Bị loại" };
            ReadAnswers(r.Answers);
            return true;
        }

        void ReadAnswers(string json)
        {
            var max = Encoding.UTF8.GetMaxByteCount(json.Length);
            if (buffer.Length < max) buffer = new byte[Math.Max(max, buffer.Length * 2)];
            var length = Encoding.UTF8.GetBytes(json, buffer);
            Span<char> name = stackalloc char[64];
            try
            {
                var reader = new Utf8JsonReader(buffer.AsSpan(0, length));
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var column = -1;
                    if (reader.ValueSpan.Length <= name.Length && !reader.ValueIsEscaped)
                    {
                        var chars = reader.CopyString(name);
                        if (!columns.TryGetValue(name[..chars], out column)) column = -1;
                    }
                    else if (reader.GetString() is { } longName && columns.TryGetValue(longName, out var c)) column = c;
                    if (!reader.Read()) return;
                    if (column < 0) { reader.Skip(); continue; }
                    values[column] = reader.TokenType switch
                    {
                        JsonTokenType.String when numeric[column] && reader.ValueSpan.Length == 1 && reader.ValueSpan[0] is >= (byte)'0' and <= (byte)'9'
                            => Digits[reader.ValueSpan[0] - '0'],
                        JsonTokenType.String => reader.GetString(),
                        JsonTokenType.Number when reader.TryGetInt64(out var n) => n is >= 0 and <= 9 ? Digits[n] : n,
                        JsonTokenType.Number => reader.GetDouble(),
                        JsonTokenType.True => "Có",
                        JsonTokenType.False => "Không",
                        JsonTokenType.StartArray => Joined(ref reader),
                        JsonTokenType.StartObject => Skipped(ref reader),
                        _ => null,
                    };
                }
            }
            catch (JsonException)
            {
                // A broken answer object exports its fixed columns only; scoring ignores it the same way.
            }
        }

        static string Joined(ref Utf8JsonReader reader)
        {
            var parts = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                parts.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : Encoding.UTF8.GetString(reader.ValueSpan));
            return string.Join(";", parts);
        }

        static object? Skipped(ref Utf8JsonReader reader)
        {
            reader.Skip();
            return null;
        }

        public override int FieldCount => names.Length;
        public override string GetName(int ordinal) => names[ordinal];
        public override int GetOrdinal(string name) => Array.IndexOf(names, name);
        public override object GetValue(int ordinal) => values[ordinal] ?? DBNull.Value;
        public override bool IsDBNull(int ordinal) => values[ordinal] is null;
        public override Type GetFieldType(int ordinal) => ordinal == 0 ? typeof(long) : numeric[ordinal] ? typeof(object) : typeof(string);
        public override string GetDataTypeName(int ordinal) => GetFieldType(ordinal).Name;
        public override int GetValues(object[] target)
        {
            var n = Math.Min(target.Length, values.Length);
            for (var i = 0; i < n; i++) target[i] = GetValue(i);
            return n;
        }
        public override object this[int ordinal] => GetValue(ordinal);
        public override object this[string name] => GetValue(GetOrdinal(name));
        public override bool HasRows => true;
        public override bool IsClosed => false;
        public override int RecordsAffected => -1;
        public override int Depth => 0;
        public override bool NextResult() => false;
        public override IEnumerator GetEnumerator() => new DbEnumerator(this);
        public override bool GetBoolean(int ordinal) => (bool)GetValue(ordinal);
        public override byte GetByte(int ordinal) => Convert.ToByte(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
        public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => throw new NotSupportedException();
        public override char GetChar(int ordinal) => throw new NotSupportedException();
        public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => throw new NotSupportedException();
        public override DateTime GetDateTime(int ordinal) => throw new NotSupportedException();
        public override decimal GetDecimal(int ordinal) => Convert.ToDecimal(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
        public override double GetDouble(int ordinal) => Convert.ToDouble(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
        public override float GetFloat(int ordinal) => Convert.ToSingle(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
        public override Guid GetGuid(int ordinal) => throw new NotSupportedException();
        public override short GetInt16(int ordinal) => Convert.ToInt16(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
        public override int GetInt32(int ordinal) => Convert.ToInt32(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
        public override long GetInt64(int ordinal) => Convert.ToInt64(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
        public override string GetString(int ordinal) => Convert.ToString(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture) ?? "";

        protected override void Dispose(bool disposing)
        {
            if (disposing) rows.Dispose();
            base.Dispose(disposing);
        }
    }
}
