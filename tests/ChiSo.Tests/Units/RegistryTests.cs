using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Plans;
using ChiSo.Features.Units;
using ChiSo.Tests.Infrastructure;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Units;

/// <summary>The registry from 1/7/2025 (the 126 communes and wards), successions and their refusals, and the work
/// of ended units passing to their successors or waiting for the standing agency (decision 0019).</summary>
public abstract class RegistryTests(Provider provider)
{
    internal static readonly DateOnly August = new(2025, 8, 1);
    internal static FakeTimeProvider ClockAt(DateOnly day) => new(new DateTimeOffset(day.ToDateTime(new TimeOnly(2, 0)), TimeSpan.Zero));

    static Dictionary<string, string> Csv() =>
        // The list as the statistics office gave it (a copy of ../shared/domain/hanoi-communes-2025.csv).
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Units", "hanoi-communes-2025.csv")).Skip(1)
            .Select(l => l.Split(',')).ToDictionary(c => c[0], c => c[2]);

    [Fact]
    public async Task On_1_August_2025_the_registry_holds_the_126_communes_and_wards_with_their_codes_and_no_district()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var units = await UnitQueries.ListAsync(db, August, null);
        var communes = units.Where(u => u.Kind == "commune").ToList();

        Assert.Equal(126, communes.Count);
        Assert.Equal(Csv().OrderBy(c => c.Key), communes.Select(c => KeyValuePair.Create(c.Code, c.Subkind!)).OrderBy(c => c.Key));
        Assert.Equal(51, communes.Count(c => c.Subkind == "ward"));
        Assert.Equal(75, communes.Count(c => c.Subkind == "commune"));
        Assert.All(communes, c => Assert.Equal(new DateOnly(2025, 7, 1), c.ValidFrom));
        Assert.All(communes, c => Assert.Equal("HN", c.Parent));
        Assert.Contains(communes[0].History, h => h.Kind == "establish");
        Assert.DoesNotContain(units, u => u.Kind == "district");
        Assert.DoesNotContain(units, u => u.Code is "STTTT" or "SKHDT" or "STNMT");
        Assert.Contains(units, u => u.Code == "TTPVHCC");
        var establish = await db.UnitEvents.SingleAsync(e => e.Kind == UnitEventKind.Establish && e.Date == new DateOnly(2025, 7, 1));
        Assert.Contains("1656/NQ-UBTVQH15", establish.Reference);
        Assert.Contains("1027/CTK-CSCL", establish.Reference);
        // Before 1/7/2025 there was none of them.
        Assert.DoesNotContain(await UnitQueries.ListAsync(db, new DateOnly(2025, 6, 30), null), u => u.Kind == "commune");
        var directory = await UnitDirectory.LoadAsync(db);
        Assert.Equal("00070", directory.Find("UBND phường Hoàn Kiếm")?.Code);
    }

    [Fact]
    public async Task Seeding_twice_changes_nothing_and_an_existing_database_gets_the_new_units_on_start()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        async Task<(int, int, int, int, int)> Counts(ChiSoDb db) => (await db.Units.CountAsync(), await db.UnitAliases.CountAsync(),
            await db.UnitEvents.CountAsync(), await db.Set<UnitEventPart>().CountAsync(), await db.UnitSuccessions.CountAsync());

        await using (var db = database.NewContext())
        {
            var before = await Counts(db);
            await BuiltInData.SeedAsync(db, TimeProvider.System);
            Assert.Equal(before, await Counts(db));
        }

        // A database from before this change: no communes, no establishment event, no successions.
        await using (var db = database.NewContext())
        {
            var communes = await db.Units.Where(u => u.Kind == UnitKind.Commune).Select(u => u.Id).ToListAsync();
            await db.UnitSuccessions.ExecuteDeleteAsync();
            await db.Set<UnitEventPart>().Where(p => communes.Contains(p.UnitId)).ExecuteDeleteAsync();
            await db.UnitEvents.Where(e => !e.Parts.Any()).ExecuteDeleteAsync();
            await db.UnitAliases.Where(a => communes.Contains(a.UnitId)).ExecuteDeleteAsync();
            await db.Units.Where(u => communes.Contains(u.Id)).ExecuteDeleteAsync();
            await db.Units.Where(u => u.Code == "SNV").ExecuteUpdateAsync(s => s.SetProperty(u => u.Name, "Sở Nội vụ (sửa tay)"));
        }
        await using (var db = database.NewContext())
        {
            await BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System);
            Assert.Equal(126, await db.Units.CountAsync(u => u.Kind == UnitKind.Commune));
            Assert.Equal(7, await db.UnitSuccessions.CountAsync());
            Assert.Equal(1, await db.UnitEvents.CountAsync(e => e.Kind == UnitEventKind.Establish && e.Date == new DateOnly(2025, 7, 1)));
            // The standing agency's edit of a unit it already had is kept.
            Assert.Equal("Sở Nội vụ (sửa tay)", (await db.Units.SingleAsync(u => u.Code == "SNV")).Name);
            var again = await Counts(db);
            await BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System);
            Assert.Equal(again, await Counts(db));
        }
    }

    [Fact]
    public async Task Successions_that_break_the_rules_are_refused_in_Vietnamese_and_nothing_is_written()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var registry = new UnitRegistry(db, ClockAt(August));
        var admin = Actors.Admin();
        var before = await db.UnitSuccessions.CountAsync();
        NewSuccession S(string from, string to, DateOnly date, string reference = "1656/NQ-UBTVQH15") => new(from, to, date, reference, null, null, null);

        // Itself; a cycle (SNNMT already follows STNMT, so STNMT cannot follow SNNMT); no document.
        Assert.Contains("chính mình", Assert.Single(await registry.RecordSuccessionAsync(S("Q-BADINH", "Q-BADINH", new DateOnly(2025, 7, 1)), admin)));
        var loop = await registry.RecordSuccessionAsync(S("SNNMT", "STNMT", new DateOnly(2025, 3, 1)), admin);
        Assert.Contains(loop, p => p.Contains("vòng kế thừa"));
        Assert.Contains(await registry.RecordSuccessionAsync(S("Q-BADINH", "00004", new DateOnly(2025, 7, 1), " "), admin), p => p.Contains("thiếu văn bản"));
        // Dated other than the day after the predecessor's end.
        Assert.Contains(await registry.RecordSuccessionAsync(S("Q-BADINH", "00004", new DateOnly(2025, 8, 1)), admin), p => p.Contains("liền sau ngày kết thúc"));
        // A predecessor that has not ended; a successor that starts before the predecessor ends (overlap).
        Assert.Contains(await registry.RecordSuccessionAsync(S("STP", "00004", new DateOnly(2025, 7, 1)), admin), p => p.Contains("chưa có ngày kết thúc"));
        Assert.Contains(await registry.RecordSuccessionAsync(S("Q-BADINH", "SNNMT", new DateOnly(2025, 7, 1)), admin), p => p.Contains("chồng lấn"));
        // A successor that had ended by then leaves the work with no holder.
        Assert.Contains(await registry.RecordSuccessionAsync(S("BDT", "SKHDT", new DateOnly(2025, 3, 1)), admin), p => p.Contains("không có đơn vị giữ"));

        Assert.Equal(before, await db.UnitSuccessions.CountAsync());
        await Assert.ThrowsAsync<AccessDenied>(() => registry.RecordSuccessionAsync(S("Q-BADINH", "00004", new DateOnly(2025, 7, 1)), Actors.Of(Roles.Leader)));

        // A lawful one is written and audited.
        Assert.Empty(await registry.RecordSuccessionAsync(new NewSuccession("Q-BADINH", "00004", new DateOnly(2025, 7, 1), "1656/NQ-UBTVQH15",
            new DateOnly(2025, 6, 16), "một phần diện tích", null), admin));
        await using var fresh = database.NewContext();
        var listed = (await UnitQueries.ListAsync(fresh, null, null)).Single(u => u.Code == "00004");
        Assert.Equal("Q-BADINH", Assert.Single(listed.Predecessors).Unit);
        Assert.Equal("một phần diện tích", listed.Predecessors[0].Share);
        Assert.True(await fresh.Audit.AnyAsync(a => a.Subject == "unit:Q-BADINH" && a.Field == "successor:00004" && a.User == admin.Name));
    }

    [Fact]
    public async Task An_import_with_one_bad_succession_writes_nothing_and_reports_the_row()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var before = await db.UnitSuccessions.CountAsync();
        var doc = new UnitsDocument
        {
            Successions =
            [
                new() { From = "Q-BADINH", To = "00004", Date = new DateOnly(2025, 7, 1), Reference = "1656/NQ-UBTVQH15" },
                new() { From = "Q-TAYHO", To = "Q-TAYHO", Date = new DateOnly(2025, 7, 1), Reference = "1656/NQ-UBTVQH15" },
                new() { From = "00004", To = "Q-BADINH", Date = new DateOnly(2025, 7, 1), Reference = "1656/NQ-UBTVQH15" },
            ],
        };

        var problems = await new UnitImporter(db).ImportAsync(doc, Actors.Admin());

        Assert.Contains(problems, p => p.StartsWith("Kế thừa dòng 2:") && p.Contains("chính mình"));
        Assert.Contains(problems, p => p.StartsWith("Kế thừa dòng 3:") && p.Contains("vòng kế thừa"));
        await using var fresh = database.NewContext();
        Assert.Equal(before, await fresh.UnitSuccessions.CountAsync());
    }

    [Fact]
    public async Task An_Excel_registry_is_written_all_or_nothing_with_a_report_by_sheet_and_row()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        static MemoryStream Xlsx(List<Dictionary<string, object?>> units, List<Dictionary<string, object?>> successions)
        {
            var stream = new MemoryStream();
            MiniExcelLibs.MiniExcel.SaveAs(stream, new Dictionary<string, object> { [UnitWorkbook.UnitsSheet] = units, [UnitWorkbook.SuccessionsSheet] = successions });
            stream.Position = 0;
            return stream;
        }
        Dictionary<string, object?> Unit(string code, string name, string sub) => new()
        {
            ["Mã"] = code, ["Tên"] = name, ["Loại"] = "Xã, phường, thị trấn", ["Phường/xã"] = sub, ["Cấp trên"] = "HN", ["Từ ngày"] = "01/07/2025", ["Đến ngày"] = null,
        };
        Dictionary<string, object?> Succ(string from, string to, string date) => new()
        {
            ["Đơn vị trước"] = from, ["Đơn vị sau"] = to, ["Từ ngày"] = date, ["Văn bản"] = "1656/NQ-UBTVQH15", ["Ngày văn bản"] = "16/06/2025",
            ["Phần chuyển giao"] = "một phần diện tích",
        };

        await using (var db = database.NewContext())
        {
            var before = (await db.Units.CountAsync(), await db.UnitSuccessions.CountAsync());
            var bad = await new UnitWorkbook(new UnitImporter(db)).ImportAsync(Xlsx(
                [Unit("XA-EXCEL", "Xã Nhập Từ Excel", "Xã"), Unit("PH-EXCEL", "Phường Nhập Từ Excel", "Thị trấn")],
                [Succ("Q-BADINH", "XA-EXCEL", "01/07/2025"), Succ("Q-TAYHO", "XA-EXCEL", "15/07/2025")]), Actors.Admin());
            Assert.Contains(bad, p => p.StartsWith("Trang 'Đơn vị', dòng 3:") && p.Contains("Thị trấn"));
            Assert.Equal(before, (await db.Units.CountAsync(), await db.UnitSuccessions.CountAsync()));

            var dated = await new UnitWorkbook(new UnitImporter(db)).ImportAsync(Xlsx(
                [Unit("XA-EXCEL", "Xã Nhập Từ Excel", "Xã")],
                [Succ("Q-BADINH", "XA-EXCEL", "01/07/2025"), Succ("Q-TAYHO", "XA-EXCEL", "15/07/2025")]), Actors.Admin());
            Assert.Contains(dated, p => p.StartsWith("Trang 'Kế thừa', dòng 3:") && p.Contains("liền sau ngày kết thúc"));
            Assert.Equal(before, (await db.Units.CountAsync(), await db.UnitSuccessions.CountAsync()));

            Assert.Empty(await new UnitWorkbook(new UnitImporter(db)).ImportAsync(Xlsx(
                [Unit("XA-EXCEL", "Xã Nhập Từ Excel", "Xã")],
                [Succ("Q-BADINH", "XA-EXCEL", "01/07/2025"), Succ("Q-TAYHO", "XA-EXCEL", "01/07/2025")]), Actors.Admin()));
        }
        await using var fresh = database.NewContext();
        var listed = (await UnitQueries.ListAsync(fresh, August, UnitKind.Commune)).Single(u => u.Code == "XA-EXCEL");
        Assert.Equal("commune", listed.Subkind);
        Assert.Equal(["Q-BADINH", "Q-TAYHO"], listed.Predecessors.Select(p => p.Unit).Order());
        Assert.All(listed.Predecessors, p => Assert.Equal(new DateOnly(2025, 6, 16), p.ReferenceDate));
    }

    static async Task<List<TaskRow>> Held(ChiSoDb db, string unit, DateOnly asOf) =>
        (await TaskBoardQueries.ListAsync(db, new TaskFilter(Unit: unit), asOf))!;

    [Fact]
    public async Task On_the_day_a_department_ends_its_open_tasks_pass_to_its_successor_and_its_finished_ones_stay()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var stnmt = await Held(db, "STNMT", new DateOnly(2025, 2, 28));
        var snnptnt = await Held(db, "SNNPTNT", new DateOnly(2025, 2, 28));
        var stttt = await Held(db, "STTTT", new DateOnly(2025, 2, 28));
        Assert.NotEmpty(stnmt);
        Assert.NotEmpty(stttt);
        // One of Tài nguyên's tasks was finished before the merger: its history stays with it.
        var finished = stnmt.First(t => t.Role == AgencyRole.Lead && snnptnt.All(o => o.Id != t.Id));
        var unit = await db.Units.SingleAsync(u => u.Code == "STNMT");
        db.ProgressUpdates.Add(new ProgressUpdate
        {
            TaskId = finished.Id, UnitId = unit.Id, Role = AgencyRole.Lead, Status = ProgressStatus.Done, Percent = 100,
            Date = new DateOnly(2025, 1, 15), FiledAt = new DateTime(2025, 1, 15, 3, 0, 0, DateTimeKind.Utc), FiledBy = "kiem.thu",
        });
        await db.SaveChangesAsync();

        var onLastDay = await Held(db, "SNNMT", new DateOnly(2025, 2, 28));
        var agriculture = await Held(db, "SNNMT", August);
        var science = await Held(db, "SKHCN", August);

        Assert.Empty(onLastDay);
        Assert.Subset(agriculture.Select(t => t.Id).ToHashSet(), stnmt.Where(t => t.Id != finished.Id).Select(t => t.Id).ToHashSet());
        Assert.Subset(agriculture.Select(t => t.Id).ToHashSet(), snnptnt.Select(t => t.Id).ToHashSet());
        Assert.DoesNotContain(agriculture, t => t.Id == finished.Id);
        Assert.Subset(science.Select(t => t.Id).ToHashSet(), stttt.Select(t => t.Id).ToHashSet());
        // Looked up after its end, Tài nguyên keeps only its history: the task it finished.
        Assert.Equal([finished.Id], (await Held(db, "STNMT", August)).Select(t => t.Id));
        // The finished task still shows as Tài nguyên's on a day before its end.
        Assert.Contains(await Held(db, "STNMT", new DateOnly(2025, 2, 1)), t => t.Id == finished.Id && t.Standing.Status == ProgressStatus.Done);
    }

    [Fact]
    public async Task Accountability_lists_the_units_valid_on_the_day_with_the_predecessors_beside_their_successor()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var before = await TaskBoardAccountability.BuildAsync(db, new DateOnly(2025, 2, 1));
        var after = await TaskBoardAccountability.BuildAsync(db, August);

        Assert.Contains(before.Agencies, a => a.Unit == "STNMT");
        Assert.DoesNotContain(after.Agencies, a => a.Unit is "STNMT" or "SNNPTNT" or "STTTT" or "SKHDT");
        Assert.DoesNotContain(after.Agencies, a => a.Unit is { } c && (c.StartsWith("Q-") || c.StartsWith("H-")));
        var agriculture = after.Agencies.Single(a => a.Unit == "SNNMT");
        Assert.Contains("STNMT", agriculture.HeldFor);
        Assert.Contains("SNNPTNT", agriculture.HeldFor);
        Assert.Contains("STTTT", after.Agencies.Single(a => a.Unit == "SKHCN").HeldFor);
        Assert.DoesNotContain(after.Heads, h => h.Unit == "STNMT");
    }

    [Fact]
    public async Task The_districts_open_tasks_wait_for_the_standing_agency_who_assigns_them_with_an_audit_row()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var clock = ClockAt(August);

        var waiting = await TaskHandovers.WaitingAsync(db, August);
        Assert.NotEmpty(waiting);
        Assert.Contains(waiting, w => w.Unit.StartsWith("Q-") || w.Unit.StartsWith("H-") || w.Unit.StartsWith("TX-"));
        Assert.DoesNotContain(waiting, w => w.Unit is "STNMT" or "SNNPTNT" or "STTTT");
        Assert.DoesNotContain(await TaskHandovers.WaitingAsync(db, new DateOnly(2025, 6, 30)), w => w.Unit.StartsWith("Q-"));

        var one = waiting.First(w => w.Unit.StartsWith("Q-"));
        await Assert.ThrowsAsync<AccessDenied>(() => TaskHandovers.AssignAsync(db, [new ShareAssignment(one.TaskId, one.Unit, "00004")], null, Actors.Of(Roles.Leader), clock));
        Assert.Contains("không có đơn vị giữ", Assert.Single((await TaskHandovers.AssignAsync(db, [new ShareAssignment(one.TaskId, one.Unit, "STNMT")], null, Actors.Admin(), clock))!));
        Assert.Null(await TaskHandovers.AssignAsync(db, [new ShareAssignment(one.TaskId, one.Unit, "00004")], "Giao theo địa bàn", Actors.Admin(), clock));

        await using var fresh = database.NewContext();
        var now = await TaskHandovers.WaitingAsync(fresh, August);
        Assert.DoesNotContain(now, w => w.TaskId == one.TaskId && w.Unit == one.Unit);
        Assert.Equal(waiting.Count - 1, now.Count);
        Assert.Contains(await Held(fresh, "00004", August), t => t.Id == one.TaskId);
        Assert.True(await fresh.Audit.AnyAsync(a => a.Subject == $"task:{one.TaskId}" && a.Field == "holder:" + one.Unit && a.NewValue == "00004"));
    }

    [Fact]
    public async Task Ending_a_unit_merges_or_splits_it_and_one_with_open_work_and_no_successor_is_refused()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var registry = new UnitRegistry(db, ClockAt(August));
        var admin = Actors.Admin();

        Assert.Empty(await registry.AddAsync(new NewUnit("XA-THU", "Xã Thử Nghiệm", "commune", "commune", "HN", new DateOnly(2025, 7, 1), "1656/NQ-UBTVQH15", null), admin));
        Assert.Contains(await registry.AddAsync(new NewUnit("XA-THU", "Xã Khác", "commune", "commune", "HN", null, null, null), admin), p => p.Contains("đã có"));
        Assert.Empty(await registry.RenameAsync("XA-THU", "Xã Thử Nghiệm Mới", new DateOnly(2025, 9, 1), "99/NQ-HĐND", admin));

        var open = await registry.EndAsync("SNNMT", new UnitEnd(new DateOnly(2025, 12, 31), [], "1/QĐ-THU", null, null, null), admin);
        Assert.Contains(open, p => p.Contains("nhiệm vụ chưa hoàn thành"));
        Assert.Null((await db.Units.AsNoTracking().SingleAsync(u => u.Code == "SNNMT")).ValidTo);

        Assert.Empty(await registry.EndAsync("SNNMT", new UnitEnd(new DateOnly(2025, 12, 31), ["SXD", "STC"], "1/QĐ-THU", new DateOnly(2025, 12, 1), "theo lĩnh vực", null), admin));
        // Split in two: its open work waits for the standing agency the day after.
        Assert.Contains(await TaskHandovers.WaitingAsync(db, new DateOnly(2026, 1, 2)), w => w.Unit == "SNNMT" && w.Successors.Count == 2);
        await using var fresh = database.NewContext();
        var listed = (await UnitQueries.ListAsync(fresh, null, null)).Single(u => u.Code == "SNNMT");
        Assert.Equal(["STC", "SXD"], listed.Successors.Select(s => s.Unit).Order());
        Assert.Equal(["SNNPTNT", "STNMT"], listed.Predecessors.Select(s => s.Unit).Order());
        Assert.Equal("Xã Thử Nghiệm Mới", (await fresh.Units.SingleAsync(u => u.Code == "XA-THU")).Name);
        Assert.True(await fresh.Audit.AnyAsync(a => a.Subject == "unit:SNNMT" && a.Field == "validTo"));
    }

    [Fact]
    public async Task The_periodic_report_Word_file_addresses_the_local_level_that_exists_then()
    {
        await using var run = await RunningApp.StartAsync(provider);
        async Task<List<string>> Paragraphs(string query)
        {
            var response = await run.Client.GetAsync("/api/reports/consolidated.docx?" + query);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
            using var doc = WordprocessingDocument.Open(stream, false);
            return doc.MainDocumentPart!.Document!.Body!.Descendants<Paragraph>().Select(p => p.InnerText).ToList();
        }

        var before = await Paragraphs("year=2024&period=Year&asOf=2024-12-20");
        var after = await Paragraphs("year=2025&period=Year&asOf=2025-12-20");

        Assert.Contains("- UBND các quận, huyện, thị xã;", before);
        Assert.DoesNotContain("- UBND các xã, phường;", before);
        Assert.Contains("- UBND các xã, phường;", after);
        Assert.DoesNotContain(after, p => p.Contains("quận, huyện"));
        Assert.Contains("- Các sở, ban, ngành Thành phố;", after);
    }
}

public sealed class RegistrySqliteTests() : RegistryTests(Provider.Sqlite);

public sealed class RegistryPostgresTests() : RegistryTests(Provider.Postgres);
