using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Results;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Frameworks;

/// <summary>Leads per year in the framework editor (issue 11): PAPI's 2022 leads listed per criterion; the standing agency
/// sets a year's leads (audited, read by the index of that year), removes them (the framework's leads apply again); unknown
/// agencies and years outside the version are refused in Vietnamese; anyone else is refused.</summary>
public abstract class YearLeadsTests(Provider provider)
{
    const string CityOffice = "Văn phòng Ủy ban nhân dân Thành phố Hà Nội";

    [Fact]
    public async Task The_standing_agency_sets_and_removes_a_year_s_leads_with_an_audit_row_and_others_are_refused()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));
        var label = await db.FrameworkVersions.Where(v => v.Framework!.Key == "papi" && v.ValidFromYear <= 2022 && (v.ValidToYear == null || v.ValidToYear >= 2023))
            .Select(v => v.Label).SingleAsync();

        var listed = (await YearLeads.ListAsync(db, "papi", label))!;
        Assert.Equal([CityOffice], Assert.Single(listed, y => y.Code == "5.1").Leads.Select(l => l.Agency));
        Assert.All(listed, y => Assert.Equal(2022, y.Year));
        Assert.Null(await YearLeads.ListAsync(db, "papi", "khong-co"));

        var change = new YearLeadsChange([new("Sở Tư pháp", null), new("Sở Nội vụ", "cải cách tổ chức bộ máy")], "Kế hoạch thử năm 2023", "Phân công năm 2023");
        await Assert.ThrowsAsync<AccessDenied>(() => YearLeads.SetAsync(db, clock, "papi", label, "5.1", 2023, change, Actors.Of(Roles.Leader)));
        var bad = Assert.IsType<FrameworkEdit.Invalid>(await YearLeads.SetAsync(db, clock, "papi", label, "5.1", 1999,
            change with { Leads = [new("Sở Không Có", null)] }, Actors.Admin()));
        Assert.Contains("Không tìm thấy đơn vị chủ trì 'Sở Không Có'", Assert.Single(bad.Errors["leads"]));
        Assert.Contains("Năm 1999 ngoài thời gian áp dụng", Assert.Single(bad.Errors["year"]));
        Assert.IsType<FrameworkEdit.NotFound>(await YearLeads.SetAsync(db, clock, "papi", label, "99.9", 2023, change, Actors.Admin()));

        Assert.IsType<FrameworkEdit.Saved>(await YearLeads.SetAsync(db, clock, "papi", label, "5.1", 2023, change, Actors.Admin()));
        await using (var fresh = database.NewContext())
        {
            var y2023 = Assert.Single((await YearLeads.ListAsync(fresh, "papi", label))!, y => y.Year == 2023);
            Assert.Equal("5.1", y2023.Code);
            Assert.Equal("Kế hoạch thử năm 2023", y2023.Source);
            Assert.Equal(["Sở Tư pháp", "Sở Nội vụ (cải cách tổ chức bộ máy)"], (await Reports.IndexAsync(fresh, "papi", 2023)).Node("5.1").Lead);
            var entry = await fresh.Audit.SingleAsync(a => a.Subject == $"framework:papi:{label}" && a.Field == "5.1/lead:2023");
            Assert.Null(entry.OldValue);
            Assert.Equal("Sở Tư pháp; Sở Nội vụ (cải cách tổ chức bộ máy) — Kế hoạch thử năm 2023", entry.NewValue);
            Assert.Equal("Phân công năm 2023", entry.Reason);
        }

        // The same leads again change nothing and write no audit row.
        var audit = await db.Audit.CountAsync();
        Assert.IsType<FrameworkEdit.Saved>(await YearLeads.SetAsync(db, clock, "papi", label, "5.1", 2023, change, Actors.Admin()));
        Assert.Equal(audit, await db.Audit.CountAsync());

        // 2022's table changed for one criterion, then 2023's removed: 2023 falls back to the framework's lead.
        Assert.IsType<FrameworkEdit.Saved>(await YearLeads.SetAsync(db, clock, "papi", label, "5.2", 2022, new YearLeadsChange([new("Sở Tư pháp", null)], null, null), Actors.Admin()));
        Assert.IsType<FrameworkEdit.Saved>(await YearLeads.SetAsync(db, clock, "papi", label, "5.1", 2023, new YearLeadsChange([], null, null), Actors.Admin()));
        await using var after = database.NewContext();
        Assert.Equal(["Sở Tư pháp"], (await Reports.IndexAsync(after, "papi", 2023)).Node("5.1").Lead);
        Assert.Equal(["Sở Tư pháp"], (await Reports.IndexAsync(after, "papi", 2022)).Node("5.2").Lead);
        Assert.DoesNotContain((await YearLeads.ListAsync(after, "papi", label))!, y => y.Year == 2023);
        var removed = await after.Audit.Where(a => a.Field == "5.1/lead:2023").OrderByDescending(a => a.Seq).FirstAsync();
        Assert.Null(removed.NewValue);
        Assert.Contains(CityOffice, (await after.Audit.SingleAsync(a => a.Field == "5.2/lead:2022")).OldValue);
    }
}

public sealed class YearLeadsSqliteTests() : YearLeadsTests(Provider.Sqlite);

public sealed class YearLeadsPostgresTests() : YearLeadsTests(Provider.Postgres);
