using System.Globalization;
using ChiSo.Data;
using ChiSo.Features.Frameworks;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using static ChiSo.Tests.Infrastructure.FrameworkBuilder;

namespace ChiSo.Tests.Frameworks;

public abstract class ImportTests(Provider provider)
{
    static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 2, 8, 30, 0, TimeSpan.Zero));

    static Task<ImportReport> ImportAsync(ChiSoDb db, FrameworkDocument doc, string user = "nguoi.thu", string reason = "Nhập thử") =>
        new FrameworkImporter(db, Clock).ImportAsync(doc, Actors.Admin(user), reason);

    [Fact]
    public async Task A_small_framework_imports_and_reads_back()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var doc = Small();

        var import = await ImportAsync(db, doc);

        Assert.Empty(import.Problems);
        Assert.Equal((5, 5, 3), (import.Criteria, import.Scores, import.Targets));
        await using var fresh = database.NewContext();
        var report = await Reports.IndexAsync(fresh, doc.Key, 2023);
        Assert.Equal(10m, report.Max);
        Assert.Equal(8m, report.Result);
        Assert.Equal((">", 8.5m), (report.Target?.Comparator, report.Target?.Value));
        Assert.Equal(["1", "1.1", "1.2", "2", "2.1"], report.Flatten().Select(r => r.Code));
        Assert.Equal([6m, 2m, 4m, 4m, 4m], report.Flatten().Select(r => r.Max!.Value));
        Assert.Equal([5m, 1.5m, 3.5m, 3m, 3m], report.Flatten().Select(r => r.Result!.Value));
        Assert.Equal([null, 2m, 3.8m, null, 3.2m], report.Flatten().Select(r => r.Target));
        // "Sở NV" is an alias: the lead is stored as the unit and read back by its name.
        Assert.Equal(["Sở Nội vụ"], report.Node("1").Lead);
        Assert.Equal(["Sở Tư pháp"], report.Node("1.2").Lead);
        Assert.Empty(report.Node("1.1").Lead);
        Assert.Empty(report.Inconsistencies);
        var snv = await fresh.Units.SingleAsync(u => u.Code == "SNV");
        var leadOfField1 = await fresh.Criteria.Where(c => c.Code == "1" && fresh.FrameworkVersions.Any(v => v.Id == c.VersionId && v.Framework!.Key == doc.Key))
            .SelectMany(c => c.Leads).SingleAsync();
        Assert.Equal(snv.Id, leadOfField1.UnitId);
    }

    [Fact]
    public async Task An_unknown_lead_agency_is_refused_naming_the_criterion()
    {
        var doc = Small();
        doc.Versions[0].Criteria[1].Children[0].Lead.Add(new LeadDocument("Sở Không Tồn Tại", null));

        var problem = await AssertRefusedAsync(doc);

        Assert.Equal("2.1", problem.Where);
        Assert.Contains("Không tìm thấy đơn vị chủ trì 'Sở Không Tồn Tại'", problem.Message);
    }

    [Fact]
    public async Task A_score_above_max_is_refused_naming_the_criterion_and_year()
    {
        var doc = Small();
        doc.Results[0].Scores["1.1"] = 2.5m;

        var problem = await AssertRefusedAsync(doc);

        Assert.Equal("1.1", problem.Where);
        Assert.Equal("Kết quả năm 2023", problem.Column);
        Assert.Equal("Kết quả 2,5 vượt điểm tối đa 2.", problem.Message);
    }

    [Fact]
    public async Task Duplicate_codes_are_refused()
    {
        var doc = Small();
        doc.Versions[0].Criteria[0].Children.Add(Node("1.2", 1));

        var problem = await AssertRefusedAsync(doc);

        Assert.Equal("1.2", problem.Where);
        Assert.Equal("Mã tiêu chí '1.2' bị trùng.", problem.Message);
    }

    [Fact]
    public async Task A_child_whose_code_is_not_under_its_parent_is_refused()
    {
        var doc = Small();
        doc.Versions[0].Criteria[1].Children.Add(Node("1.3", 0));

        var problem = await AssertRefusedAsync(doc);

        Assert.Equal("1.3", problem.Where);
        Assert.Contains("không thuộc tiêu chí cha '2'", problem.Message);
        Assert.Contains("cây tiêu chí bị lỗi", problem.Message);
    }

    [Fact]
    public async Task A_dotted_code_at_the_top_of_the_tree_is_refused()
    {
        var doc = Small();
        doc.Versions[0].Criteria.Add(Node("3.1", 0));

        var problem = await AssertRefusedAsync(doc);

        Assert.Equal("3.1", problem.Where);
        Assert.Contains("thiếu tiêu chí cha '3'", problem.Message);
    }

    [Fact]
    public async Task A_score_for_an_unknown_criterion_code_is_refused()
    {
        var doc = Small();
        doc.Results[0].Scores["9.9"] = 1;

        var problem = await AssertRefusedAsync(doc);

        Assert.Equal("9.9", problem.Where);
        Assert.Equal("Kết quả năm 2023", problem.Column);
        Assert.Contains("Mã tiêu chí '9.9' không có trong phiên bản", problem.Message);
    }

    [Fact]
    public async Task A_negative_max_is_refused()
    {
        var doc = Small();
        doc.Versions[0].Criteria[0].Children[0] = doc.Versions[0].Criteria[0].Children[0] with { Max = -1 };
        // Without a score or target, which would also exceed the max.
        doc.Results[0].Scores.Remove("1.1");
        doc.Targets[0].Criteria.Remove("1.1");

        var problem = await AssertRefusedAsync(doc);

        Assert.Equal("1.1", problem.Where);
        Assert.Equal("Điểm tối đa -1 âm.", problem.Message);
    }

    [Fact]
    public async Task A_bad_comparator_is_refused_for_the_headline_and_for_a_criterion()
    {
        var doc = Small();
        doc.Targets[0] = doc.Targets[0] with { Total = new TargetValueDocument("~", 9) };
        doc.Targets[0].Criteria["2.1"] = new TargetValueDocument("khoảng", 3);

        var problems = await AssertRefusedAsync(doc, expected: 2);

        Assert.Contains(problems, p => p.Message == "Phép so sánh '~' không hợp lệ." && p.Where == "Mục tiêu năm 2024");
        Assert.Contains(problems, p => p.Message == "Phép so sánh 'khoảng' không hợp lệ." && p.Where == "2.1");
    }

    [Fact]
    public async Task A_refused_reimport_leaves_every_earlier_value_in_place()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var doc = Small();
        int audited;
        await using (var db = database.NewContext())
        {
            Assert.Empty((await ImportAsync(db, doc)).Problems);
            audited = await db.Audit.CountAsync();
        }

        // One good change and one bad one: all or nothing.
        doc.Results[0].Scores["1.1"] = 1.8m;
        doc.Results[0].Scores["2.1"] = 9;
        doc.Versions[0].Criteria[0].Children[0] = doc.Versions[0].Criteria[0].Children[0] with { Name = "Tên mới" };
        await using (var db = database.NewContext())
        {
            var report = await ImportAsync(db, doc);
            Assert.False(report.Succeeded);
            Assert.Equal((0, 0, 0), (report.Criteria, report.Scores, report.Targets));
        }

        await using var fresh = database.NewContext();
        var after = await Reports.IndexAsync(fresh, doc.Key, 2023);
        Assert.Equal(1.5m, after.Node("1.1").Result);
        Assert.Equal(3m, after.Node("2.1").Result);
        Assert.Equal("Tiêu chí 1.1", after.Node("1.1").Name);
        Assert.Equal(audited, await fresh.Audit.CountAsync());
    }

    [Fact]
    public async Task Reimporting_a_changed_score_records_who_when_old_new_and_why()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var doc = Small();
        await using (var db = database.NewContext()) Assert.Empty((await ImportAsync(db, doc)).Problems);

        doc.Results[0].Scores["1.1"] = 1.75m;
        await using (var db = database.NewContext())
            Assert.Empty((await ImportAsync(db, doc, "chuyen.vien@snv", "Bộ Nội vụ đính chính")).Problems);

        await using var fresh = database.NewContext();
        Assert.Equal(1.75m, (await Reports.IndexAsync(fresh, doc.Key, 2023)).Node("1.1").Result);
        var changes = await fresh.Audit.Where(a => a.Subject == $"result:{doc.Key}:2023:{CityCode}" && a.Reason == "Bộ Nội vụ đính chính").ToListAsync();
        var entry = Assert.Single(changes);
        Assert.Equal("1.1", entry.Field);
        Assert.Equal(1.5m, decimal.Parse(entry.OldValue!, CultureInfo.InvariantCulture));
        Assert.Equal(1.75m, decimal.Parse(entry.NewValue!, CultureInfo.InvariantCulture));
        Assert.Equal("chuyen.vien@snv", entry.User);
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, entry.At);
    }

    [Fact]
    public async Task Reimporting_a_changed_headline_target_records_it()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var doc = Small();
        await using (var db = database.NewContext()) Assert.Empty((await ImportAsync(db, doc)).Problems);

        doc.Targets[0] = doc.Targets[0] with { Total = new TargetValueDocument(">=", 9) };
        await using (var db = database.NewContext()) Assert.Empty((await ImportAsync(db, doc, reason: "Kế hoạch mới")).Problems);

        await using var fresh = database.NewContext();
        var entry = Assert.Single(await fresh.Audit.Where(a => a.Reason == "Kế hoạch mới").ToListAsync());
        Assert.Equal(($"target:{doc.Key}:2024:{CityCode}", "total", ">= 9"), (entry.Subject, entry.Field, entry.NewValue));
        Assert.Matches(@"^> 8\.50*$", entry.OldValue);
        var target = (await Reports.IndexAsync(fresh, doc.Key, 2023)).Target;
        Assert.Equal(("≥", 9m), (target?.Comparator, target?.Value));
    }

    [Fact]
    public async Task Importing_the_same_document_twice_audits_nothing_the_second_time()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var doc = Small();
        await using (var db = database.NewContext()) Assert.Empty((await ImportAsync(db, doc, reason: "lần 1")).Problems);
        await using (var db = database.NewContext()) Assert.Empty((await ImportAsync(db, doc, reason: "lần 2")).Problems);

        await using var fresh = database.NewContext();
        Assert.True(await fresh.Audit.AnyAsync(a => a.Subject.EndsWith(doc.Key + ":2023:" + CityCode) && a.Reason == "lần 1"));
        Assert.Empty(await fresh.Audit.Where(a => a.Reason == "lần 2").Select(a => a.Subject + " " + a.Field).ToListAsync());
    }

    /// <summary>Imports <paramref name="doc"/> into a database of its own, checks that it was refused with
    /// Vietnamese problems and that the framework does not exist afterwards.</summary>
    async Task<IReadOnlyList<ImportProblem>> AssertRefusedAsync(FrameworkDocument doc, int expected)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        ImportReport report;
        await using (var db = database.NewContext()) report = await ImportAsync(db, doc);

        Assert.False(report.Succeeded);
        Assert.Equal(expected, report.Problems.Count);
        Assert.Equal((0, 0, 0), (report.Criteria, report.Scores, report.Targets));
        await using var fresh = database.NewContext();
        Assert.False(await fresh.Frameworks.AnyAsync(f => f.Key == doc.Key));
        Assert.False(await fresh.Audit.AnyAsync(a => a.Subject.Contains(doc.Key)));
        return report.Problems;
    }

    async Task<ImportProblem> AssertRefusedAsync(FrameworkDocument doc) => Assert.Single(await AssertRefusedAsync(doc, 1));
}

public sealed class ImportSqliteTests() : ImportTests(Provider.Sqlite);

public sealed class ImportPostgresTests() : ImportTests(Provider.Postgres);
