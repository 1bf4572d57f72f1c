using System.Net;
using System.Text.RegularExpressions;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Tests.Assessments;
using ChiSo.Tests.Infrastructure;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MiniExcelLibs;

namespace ChiSo.Tests.Dashboard;

/// <summary>Every Word file the product writes, and the heading rows of every Excel file, read in Vietnamese: no English
/// labels, no raw keys, no ISO dates, no "null" or "True". Generated from the built-in data and the demo cycle through
/// the same addresses the pages link to.</summary>
public abstract class ExportWordsTests(Provider provider)
{
    static readonly Regex English = new(
        @"\b(points?|total|sum|score|rank|null|true|false|n/a|citizens|year)\b|year-|\b\d{4}-\d{2}-\d{2}\b|\b\d{4}-\d{2}\b(?!\d)",
        RegexOptions.Compiled | RegexOptions.IgnoreCase);

    static IEnumerable<string> Leaks(string where, string text) =>
        English.Matches(text).Concat(WordsNotKeysTests.RawKey.Matches(text)).Select(m => $"{where}: …{m.Value}… in \"{Around(text, m.Index)}\"");

    static string Around(string text, int at) => text.Substring(Math.Max(0, at - 40), Math.Min(text.Length - Math.Max(0, at - 40), 80)).ReplaceLineEndings(" ");

    /// <summary>What a reader sees in a Word file: every paragraph of the body, headers and footers.</summary>
    static string WordText(byte[] docx)
    {
        using var doc = WordprocessingDocument.Open(new MemoryStream(docx), false);
        var main = doc.MainDocumentPart!;
        return string.Join("\n", main.Document!.Body!.Descendants<Paragraph>().Select(p => p.InnerText)
            .Concat(main.HeaderParts.SelectMany(h => h.Header!.Descendants<Paragraph>().Select(p => p.InnerText)))
            .Concat(main.FooterParts.SelectMany(f => f.Footer!.Descendants<Paragraph>().Select(p => p.InnerText))));
    }

    /// <summary>The sheet's name and its heading row (after a title row, when the sheet has one): what tells a reader what
    /// the numbers are.</summary>
    static IEnumerable<(string Sheet, string Text)> Headings(byte[] xlsx)
    {
        var stream = new MemoryStream(xlsx);
        foreach (var sheet in stream.GetSheetNames())
        {
            var rows = stream.Query(useHeaderRow: false, sheetName: sheet).Cast<IDictionary<string, object?>>().Take(2)
                .Select(r => r.Values.Select(v => v?.ToString()).Where(v => !string.IsNullOrWhiteSpace(v)).ToList()).ToList();
            var headings = rows.Count > 1 && rows[0].Count <= 2 ? rows.Take(2) : rows.Take(1);
            yield return (sheet, sheet + "\n" + string.Join("\n", headings.Select(r => string.Join(" | ", r))));
        }
    }

    [Fact]
    public async Task Every_Word_export_and_every_Excel_heading_reads_in_Vietnamese()
    {
        await using var run = await RunningApp.StartAsync(provider);
        int cycle, round, questionnaire;
        await using (var scope = run.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
            var demo = await DemoCycle.BuildAsync(db, scope.ServiceProvider.GetRequiredService<UserAccounts>(), new FakeTimeProvider(AssessmentSetup.Start), 2026, Actors.Admin());
            Assert.True(demo.Ok, demo.Error);
            (cycle, round) = (demo.Value.CycleId, demo.Value.RoundId);
            questionnaire = await db.SurveyRounds.Where(r => r.Id == round).Select(r => r.QuestionnaireId).SingleAsync();
        }
        var unit = await run.Database.NewContext().CycleUnits.Where(u => u.CycleId == cycle).Select(u => u.Unit!.Code).OrderBy(c => c).FirstAsync();

        // Every WordprocessingDocument the product writes: the consolidated report, a unit's scorecard, the ranking.
        string[] word =
        [
            "/api/reports/consolidated.docx?year=2026&period=year", "/api/reports/consolidated.docx?year=2026&period=q1",
            $"/api/cycles/{cycle}/units/{unit}/scorecard.docx", $"/api/cycles/{cycle}/ranking.docx",
        ];
        string[] excel =
        [
            "/api/reports/consolidated.xlsx?year=2026&period=q1", "/api/tasks.xlsx", "/api/accountability.xlsx",
            "/api/gaps/papi/2024/export.xlsx", "/api/gaps/par-province/2023/export.xlsx", "/api/frameworks/par-province/export.xlsx?year=2023",
            $"/api/cycles/{cycle}/ranking.xlsx", $"/api/cycles/{cycle}/heatmap.xlsx", $"/api/cycles/{cycle}/units/{unit}/audit?format=xlsx",
            $"/api/surveys/rounds/{round}/paper/template.xlsx", $"/api/surveys/rounds/{round}/scores.xlsx", $"/api/surveys/rounds/{round}/responses.xlsx",
            $"/api/surveys/questionnaires/{questionnaire}/export.xlsx",
        ];

        var leaks = new List<string>();
        foreach (var path in word)
        {
            var response = await run.Client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var text = WordText(await response.Content.ReadAsByteArrayAsync());
            Assert.True(text.Length > 200, $"{path}: {text}");
            leaks.AddRange(Leaks(path, text));
        }
        foreach (var path in excel)
        {
            var response = await run.Client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            foreach (var (sheet, text) in Headings(await response.Content.ReadAsByteArrayAsync()))
                leaks.AddRange(Leaks($"{path} [{sheet}]", text));
        }
        // The responses' fixed columns are words and dd/MM/yyyy dates, not enum names and ISO dates.
        var responses = new MemoryStream(await run.Client.GetByteArrayAsync($"/api/surveys/rounds/{round}/responses.xlsx"));
        foreach (var row in responses.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().Take(50))
            leaks.AddRange(Leaks("responses.xlsx", string.Join(" | ", ChiSo.Features.Surveys.ResponseExport.FixedColumns.Skip(3).Select(c => row[c]))));
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Distinct().Take(80)));
    }
}

public sealed class ExportWordsSqliteTests() : ExportWordsTests(Provider.Sqlite);

public sealed class ExportWordsPostgresTests() : ExportWordsTests(Provider.Postgres);
