using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ChiSo.Features.Files;
using ChiSo.Features.Surveys;
using MiniExcelLibs;

namespace ChiSo.Bench;

/// <summary>`-- --import-files &lt;dir&gt; &lt;database file&gt; &lt;round&gt;`: the files bench/imports/imports.sh uploads to a running
/// server — the largest file each import allows, files just past a limit, bad files and zip bombs. The paper forms are
/// valid answers to the round's own questionnaire, read from the bench's SQLite database.</summary>
public static class ImportFiles
{
    const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    public static async Task RunAsync(string dir, string database, int roundId)
    {
        Directory.CreateDirectory(dir);
        CollectionForm form;
        await using (var db = SurveyData.Open(database)) form = (await CollectionForms.LoadAsync(db, roundId))!;
        var surveyed = form.Quotas.Select(q => q.UnitId).ToHashSet();
        var units = form.Units.Where(u => surveyed.Contains(u.Value.Id)).Select(u => u.Key).Order(StringComparer.Ordinal).ToList();
        var questions = form.Questions.Where(q => q.For("citizens")).ToList();
        var random = new Random(14);

        string[] Answers()
        {
            return questions.Select(q => q.Type switch
            {
                QuestionType.Scale5 or QuestionType.Likert5 => random.Next(1, 6).ToString(CultureInfo.InvariantCulture),
                QuestionType.YesNo => "Có",
                QuestionType.Single or QuestionType.Multiple when q.Required => q.Options[random.Next(q.Options.Count)],
                QuestionType.Text when q.Required => $"Ý kiến số {random.Next(1_000_000)}",
                QuestionType.Number when q.Required => "3",
                _ => "",
            }).ToArray();
        }
        var header = new[] { PaperImport.UnitColumn, PaperImport.GroupColumn }.Concat(questions.Select(q => q.Code)).ToArray();

        void PaperCsv(string name, int rows, Func<int, string> unit)
        {
            using var w = new StreamWriter(Path.Combine(dir, name), false, new UTF8Encoding(false));
            w.Write(string.Join(',', header) + "\n");
            for (var i = 0; i < rows; i++) w.Write($"{unit(i)},citizens,{string.Join(',', Answers().Select(a => a.Contains(',') ? $"\"{a}\"" : a))}\n");
        }
        var max = PaperImport.Limits.MaxRows;
        PaperCsv("paper-100000.csv", max, i => units[i % units.Count]);
        PaperCsv("paper-100001.csv", max + 1, i => units[i % units.Count]);
        PaperCsv("paper-100000-bad.csv", max, _ => "KHONG-CO");
        using (var xlsx = File.Create(Path.Combine(dir, "paper-100000.xlsx")))
            xlsx.SaveAs(Enumerable.Range(0, max).Select(i =>
            {
                var a = Answers();
                var row = new Dictionary<string, object?> { [header[0]] = units[i % units.Count], [header[1]] = "citizens" };
                for (var k = 0; k < questions.Count; k++) row[header[k + 2]] = a[k];
                return row;
            }), sheetName: "Phiếu");

        // A framework at the limit: 5,000 rows of the appendix workbook (4,999 criteria under the total row), 5,000 criteria
        // as JSON.
        var criteria = ImportLimits.Framework.MaxRows;
        var table = new List<Dictionary<string, object?>> { Criterion("", "Tổng cộng", criteria - 1) };
        for (var i = 1; i < criteria; i++) table.Add(Criterion(i.ToString(CultureInfo.InvariantCulture), $"Tiêu chí thử số {i}", 1));
        var info = new[] { ("key", "bench-5000"), ("name", "Bộ chỉ số tải thử"), ("version", "V1"), ("validFrom", "2025"), ("year", "2025") }
            .Select(x => new Dictionary<string, object?> { ["Mục"] = x.Item1, ["Giá trị"] = x.Item2, ["Mã"] = x.Item1 }).ToList();
        using (var xlsx = File.Create(Path.Combine(dir, "framework-5000.xlsx"))) xlsx.SaveAs(new Dictionary<string, object> { ["Phụ lục"] = table, ["Thông tin"] = info });
        await File.WriteAllTextAsync(Path.Combine(dir, "framework-5000.json"), JsonSerializer.Serialize(new
        {
            key = "bench-json-5000", name = "Bộ chỉ số tải thử (JSON)", scale = "points", rollUp = "sum",
            versions = new[] { new { label = "V1", validFromYear = 2025, max = criteria, criteria = Enumerable.Range(1, criteria).Select(i => new { code = $"{i}", name = $"Tiêu chí thử số {i}", max = 1 }) } },
        }));

        // A questionnaire of 2,000 yes/no questions.
        using (var xlsx = File.Create(Path.Combine(dir, "questionnaire-2000.xlsx")))
            xlsx.SaveAs(new Dictionary<string, object>
            {
                ["Câu hỏi"] = Enumerable.Range(1, ImportLimits.Questionnaire.MaxRows).Select(i => new Dictionary<string, object?>
                {
                    ["Phần"] = $"Phần {1 + i / 100}", ["Mã phần"] = $"P{1 + i / 100}", ["Mã câu"] = $"C{i}", ["Câu hỏi"] = $"Câu hỏi thử số {i}?",
                    ["Loại"] = "Có/Không", ["Lựa chọn"] = "", ["Bắt buộc"] = "Có", ["Tiêu chí"] = "", ["Nhóm"] = "", ["Bỏ qua nếu"] = "",
                }).ToList(),
                ["Thông tin"] = new[] { ("key", "bench-2000"), ("version", "1"), ("name", "Phiếu tải thử 2.000 câu"), ("kind", "sipas") }
                    .Select(x => new Dictionary<string, object?> { ["Mục"] = x.Item1, ["Giá trị"] = x.Item2, ["Mã"] = x.Item1 }).ToList(),
                ["Nhóm"] = new List<Dictionary<string, object?>> { new() { ["Mã nhóm"] = "citizens", ["Tên nhóm"] = "Người dân", ["Nhóm kín (dùng mã một lần)"] = "Không" } },
            });

        // Survey points: 50,000 rows (the departments × the survey criteria, then the same again: refused as repeats).
        var departments = new[] { "SNV", "STP", "STC", "SKHDT", "STTTT", "SKHCN", "SYT", "SGDDT" };
        var survey = new[] { "1.6", "2.4.1", "2.4.2", "3.4.1", "3.4.2", "3.4.3" };
        using (var xlsx = File.Create(Path.Combine(dir, "survey-points-50000.xlsx")))
            xlsx.SaveAs(Enumerable.Range(0, ImportLimits.SurveyPoints.MaxRows).Select(i => new Dictionary<string, object?>
            {
                ["Đơn vị"] = departments[i % departments.Length], ["Mã tiêu chí"] = survey[i / departments.Length % survey.Length], ["Điểm"] = 0.5,
            }));

        // The registry and a plan at their limits, as JSON.
        await File.WriteAllTextAsync(Path.Combine(dir, "units-10000.json"), JsonSerializer.Serialize(new
        {
            units = Enumerable.Range(1, ImportLimits.Units.MaxRows).Select(i => new { code = $"BENCH{i:00000}", name = $"Đơn vị tải thử số {i}", kind = "commune" }),
        }));
        await File.WriteAllTextAsync(Path.Combine(dir, "plan-5000.json"), JsonSerializer.Serialize(new
        {
            title = "Kế hoạch tải thử 5.000 nhiệm vụ", year = 2026, kind = "annual-par",
            sections = new[] { new { code = "I", title = "Nhiệm vụ" } },
            tasks = Enumerable.Range(1, ImportLimits.Plan.MaxRows).Select(i => new { number = $"{i}", section = "I", description = $"Nhiệm vụ thử số {i}", deadline = "Quý IV/2026", lead = new[] { "Sở Nội vụ" } }),
        }));

        // Evidence at its limit (20 MB) and past it (200 MB), a PDF by its first bytes.
        Pdf(Path.Combine(dir, "evidence-20mb.pdf"), UploadedFiles.MaxBytes);
        Pdf(Path.Combine(dir, "evidence-10mb.pdf"), 10 * 1024 * 1024);
        Pdf(Path.Combine(dir, "evidence-200mb.pdf"), 200L * 1024 * 1024);

        // Zip bombs: the issue's (a sheet of 20 M one-cell rows, 520 MB), and a 450 MB repeated row; bad workbooks.
        Bomb(Path.Combine(dir, "bomb-520mb.xlsx"), "<row><c><v>1</v></c></row>", 520);
        Bomb(Path.Combine(dir, "bomb-450mb.xlsx"), "<row>" + string.Concat(Enumerable.Repeat("<c t=\"inlineStr\"><is><t>Bom</t></is></c>", 20)) + "</row>", 450);
        await File.WriteAllBytesAsync(Path.Combine(dir, "not-a-zip.xlsx"), [.. "PK\u0003\u0004"u8, .. "tệp hỏng"u8]);
        await File.WriteAllBytesAsync(Path.Combine(dir, "windows-1258.csv"), [.. "Don vi,Nh"u8, 0xF3, .. "m\nSNV,citizens\n"u8]);
        Bomb(Path.Combine(dir, "broken-xml.xlsx"), "", 0, $"<worksheet xmlns=\"{Main}\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Đơn vị</t></is></c></row><row r=\"2\"><c");
        foreach (var f in Directory.GetFiles(dir).Order()) Console.WriteLine($"{Path.GetFileName(f),-28} {new FileInfo(f).Length / 1024.0 / 1024.0,8:0.0} MB");
    }

    static Dictionary<string, object?> Criterion(string code, string name, decimal max) => new()
    {
        ["STT"] = code, ["Lĩnh vực"] = name, ["Điểm tối đa"] = max, ["Kết quả năm 2025"] = "", ["Mục tiêu năm 2026"] = "", ["Đơn vị chủ trì"] = "",
    };

    static void Pdf(string path, long bytes)
    {
        using var f = File.Create(path);
        f.Write("%PDF-1.4\n"u8);
        f.SetLength(bytes);
    }

    /// <summary>A workbook whose one sheet repeats <paramref name="row"/> until it inflates to <paramref name="inflatedMb"/> MB
    /// (or holds <paramref name="sheetXml"/>), the deflate streamed into the file.</summary>
    static void Bomb(string path, string row, int inflatedMb, string? sheetXml = null)
    {
        using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        void Text(string name, string text)
        {
            using var s = zip.CreateEntry(name).Open();
            s.Write(Encoding.UTF8.GetBytes(text));
        }
        Text("[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>""");
        Text("xl/workbook.xml", $"""<workbook xmlns="{Main}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>""");
        Text("xl/_rels/workbook.xml.rels", """<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>""");
        using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
        if (sheetXml is not null) { sheet.Write(Encoding.UTF8.GetBytes(sheetXml)); return; }
        sheet.Write(Encoding.UTF8.GetBytes($"<worksheet xmlns=\"{Main}\"><sheetData>"));
        var bytes = Encoding.UTF8.GetBytes(row);
        for (long written = 0; written < (long)inflatedMb * 1024 * 1024; written += bytes.Length) sheet.Write(bytes);
        sheet.Write("</sheetData></worksheet>"u8);
    }
}
