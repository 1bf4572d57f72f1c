using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChiSo.Features.Inspections;
using ChiSo.Features.Plans;
using ChiSo.Features.Reports;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Inspections;

/// <summary>The yearly inspection plan (every unit at least once, seed 004 V.1) and findings that become tasks.</summary>
public abstract class InspectionTests(Provider provider)
{
    [Fact]
    public async Task Generated_plan_covers_every_unit_of_the_year_once_and_lists_the_missing()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var service = new InspectionService(db);

        var before = await service.PlanAsync(2024);
        var added = await service.GeneratePlanAsync(2024, Actors.Admin());
        var after = await service.PlanAsync(2024);
        var again = await service.GeneratePlanAsync(2024, Actors.Admin());

        Assert.Equal(before.Units, before.Missing.Count);
        Assert.False(before.CoversEveryUnit);
        Assert.Equal(before.Units, added);
        Assert.Equal(0, again);
        Assert.True(after.CoversEveryUnit);
        Assert.Equal(after.Units, after.Inspections.Select(i => i.Unit).Distinct().Count());
        Assert.Equal(after.Units, after.Inspections.Count);
        Assert.Contains(after.Inspections, i => i.Unit == "Q-TAYHO");
        Assert.DoesNotContain(after.Inspections, i => i.Unit is "HN" or "SNNMT");
        Assert.All(after.Inspections, i => Assert.Equal(2024, i.PlannedOn!.Value.Year));

        // A unit taken out of the plan is reported as missing.
        var tayHo = await db.Inspections.SingleAsync(i => i.Year == 2024 && i.Unit!.Code == "Q-TAYHO");
        db.Inspections.Remove(tayHo);
        await db.SaveChangesAsync();
        Assert.Equal(["Q-TAYHO"], (await service.PlanAsync(2024)).Missing.Select(m => m.Code));
    }

    [Fact]
    public async Task In_2025_units_that_end_or_start_mid_year_are_planned_within_their_lifetime()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var service = new InspectionService(db);

        await service.GeneratePlanAsync(2025, Actors.Admin());
        var plan = await service.PlanAsync(2025);

        var tayHo = plan.Inspections.Single(i => i.Unit == "Q-TAYHO");
        Assert.True(tayHo.PlannedOn <= new DateOnly(2025, 6, 30));
        var merged = plan.Inspections.Single(i => i.Unit == "SNNMT");
        Assert.True(merged.PlannedOn >= new DateOnly(2025, 3, 1));
        Assert.True(plan.CoversEveryUnit);
    }

    [Fact]
    public async Task A_finding_creates_a_remediation_task_led_by_the_inspected_unit()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        using var client = app.CreateClient();
        var plan = await (await client.PostAsync("/api/inspections/plan?year=2024", null)).Content.ReadFromJsonAsync<JsonElement>();
        var id = plan.GetProperty("inspections").EnumerateArray().Single(i => i.GetProperty("unit").GetString() == "Q-TAYHO").GetProperty("id").GetInt32();

        var recorded = await client.PutAsJsonAsync($"/api/inspections/{id}", new { heldOn = "2024-05-20", team = "Đoàn kiểm tra CCHC quận", notes = "Kiểm tra toàn diện." });
        var first = await client.PostAsJsonAsync($"/api/inspections/{id}/findings", new { text = "Chưa niêm yết đầy đủ TTHC tại bộ phận một cửa.", deadline = "Quý III/2024" });
        var second = await client.PostAsJsonAsync($"/api/inspections/{id}/findings", new { text = "Hồ sơ trễ hạn chưa có phiếu xin lỗi.", deadline = "Khi có văn bản hướng dẫn mới nào đó" });
        var empty = await client.PostAsJsonAsync($"/api/inspections/{id}/findings", new { text = " " });
        var missing = await client.PostAsJsonAsync("/api/inspections/999999/findings", new { text = "x" });

        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var page = await client.GetStringAsync("/inspections?y=2024");
        Assert.Contains("Kế hoạch kiểm tra cải cách hành chính", page);
        Assert.Contains("Quận Tây Hồ", page);

        await using var db = database.NewContext();
        var remediation = await db.Plans.Include(p => p.Tasks).ThenInclude(t => t.Agencies)
            .SingleAsync(p => p.Title == "Khắc phục tồn tại sau kiểm tra CCHC năm 2024");
        Assert.Equal((2024, PlanKind.UnitPlan), (remediation.Year, remediation.Kind));
        Assert.Equal(["1", "2"], remediation.Tasks.OrderBy(t => t.Order).Select(t => t.Number));
        var task = remediation.Tasks.Single(t => t.Number == "1");
        var lead = Assert.Single(task.Agencies);
        Assert.Equal(AgencyRole.Lead, lead.Role);
        Assert.Equal("Q-TAYHO", (await db.Units.SingleAsync(u => u.Id == lead.UnitId)).Code);
        Assert.Equal(("Quý III/2024", new DateOnly(2024, 9, 30)), (task.DeadlineText, task.Due));
        Assert.Contains("20/05/2024", task.Notes);
        var unparsed = remediation.Tasks.Single(t => t.Number == "2");
        Assert.Equal("Khi có văn bản hướng dẫn mới nào đó", unparsed.DeadlineText);
        var finding = await db.Set<InspectionFinding>().SingleAsync(f => f.Text.StartsWith("Chưa niêm yết"));
        Assert.Equal(task.Id, finding.TaskId);

        var row = (await new InspectionService(db).PlanAsync(2024)).Inspections.Single(i => i.Id == id);
        Assert.Equal((new DateOnly(2024, 5, 20), "Đoàn kiểm tra CCHC quận"), (row.HeldOn, row.Team));
        Assert.Equal([task.Id, unparsed.Id], row.Findings.Select(f => f.TaskId!.Value));
        Assert.All(row.Findings, f => Assert.Equal(remediation.Id, f.PlanId));

        // Tracked like any other task: it is in the unit's Q3 report.
        var q3 = (await new ReportService(db, TimeProvider.System, ReportingSchedule.Default).GetAsync("Q-TAYHO", 2024, ReportingPeriodKind.Q3, null)).Form!;
        Assert.Contains(q3.Tasks, t => t.TaskId == task.Id && t.Status == ProgressStatus.NotStarted);
    }

    [Fact]
    public async Task An_extra_inspection_can_be_added_and_a_held_date_outside_the_year_is_refused()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var service = new InspectionService(db);

        var added = await service.AddAsync(new InspectionEdit("STP", 2024, new DateOnly(2024, 10, 1), null, null, null), Actors.Admin());
        var wrongYear = await service.RecordAsync(added.Value, new InspectionEdit(null, null, null, new DateOnly(2025, 1, 2), null, null), Actors.Admin());
        var unknown = await service.AddAsync(new InspectionEdit("KHONG-CO", 2024, null, null, null, null), Actors.Admin());

        Assert.Equal(InspectionOutcomeKind.Ok, added.Kind);
        Assert.Equal(InspectionOutcomeKind.Invalid, wrongYear.Kind);
        Assert.Equal(InspectionOutcomeKind.Invalid, unknown.Kind);
        var plan = await service.PlanAsync(2024);
        Assert.Equal(plan.Units - 1, plan.Missing.Count);
    }
}

public sealed class InspectionSqliteTests() : InspectionTests(Provider.Sqlite);

public sealed class InspectionPostgresTests() : InspectionTests(Provider.Postgres);
