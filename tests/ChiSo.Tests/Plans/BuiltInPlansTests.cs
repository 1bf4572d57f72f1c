using System.Net;
using System.Text.Json;
using ChiSo.Features.Plans;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Plans;

/// <summary>Issue 3, item 7: the seeds' plans are in the system after seeding, every task with its lead,
/// cooperating agencies, deadline as written and output. Compared with the JSON files in the source tree,
/// read here on their own (not through PlanDocument), so a field the importer drops shows up.</summary>
public abstract class BuiltInPlansTests(Provider provider)
{
    static string PlansFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var folder = Path.Combine(dir.FullName, "src", "ChiSo", "Data", "BuiltIn", "plans");
            if (Directory.Exists(folder)) return folder;
        }
        throw new DirectoryNotFoundException("src/ChiSo/Data/BuiltIn/plans not found above the test output.");
    }

    static JsonElement Read(string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(PlansFolder(), file))).RootElement;

    static IEnumerable<(JsonElement Task, string? Parent)> Flatten(JsonElement tasks, string? parent = null) =>
        tasks.EnumerateArray().SelectMany(t => Flatten(t.GetProperty("children"), t.GetProperty("number").GetString()).Prepend((t, parent)));

    static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static List<string> Names(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetString()!).ToList();

    async Task<(Plan Plan, List<PlanTask> Tasks, List<PlanSection> Sections)> LoadAsync(TestDatabase database, JsonElement doc)
    {
        await using var db = database.NewContext();
        var title = doc.GetProperty("title").GetString();
        var year = doc.GetProperty("year").GetInt32();
        var plan = await db.Plans.Include(p => p.Targets).Include(p => p.Sections).SingleAsync(p => p.Title == title && p.Year == year);
        var tasks = await db.PlanTasks.Include(t => t.Agencies).Include(t => t.Criteria).Where(t => t.PlanId == plan.Id).OrderBy(t => t.Order).ToListAsync();
        return (plan, tasks, plan.Sections);
    }

    [Theory]
    [InlineData("430-KH-UBND-2023.json")]
    [InlineData("164-KH-UBND-2022.json")]
    [InlineData("164-KH-UBND-2024.json")]
    [InlineData("tay-ho-2024.json")]
    public async Task Every_task_of_a_seed_plan_is_stored_as_written(string file)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var doc = Read(file);
        var (plan, tasks, sections) = await LoadAsync(database, doc);

        Assert.Equal(Str(doc, "number"), plan.Number);
        var expected = Flatten(doc.GetProperty("tasks")).ToList();
        Assert.Equal(expected.Count, tasks.Count);
        var byNumber = tasks.ToDictionary(t => t.Number);
        var numbers = tasks.ToDictionary(t => t.Id, t => t.Number);
        foreach (var (t, parent) in expected)
        {
            var stored = byNumber[t.GetProperty("number").GetString()!];
            Assert.Equal(t.GetProperty("description").GetString(), stored.Description);
            // Deadline text verbatim, parsed or not; one that cannot be read is kept and flagged Unparsed.
            Assert.Equal(Str(t, "deadline"), stored.DeadlineText);
            Assert.Equal(Deadline.Parse(Str(t, "deadline"), plan.Year).Kind, stored.DeadlineKind);
            Assert.Equal(Str(t, "output"), stored.Output);
            Assert.Equal(Names(t, "lead"), stored.Agencies.Where(a => a.Role == AgencyRole.Lead).OrderBy(a => a.Id).Select(a => a.Name));
            Assert.Equal(Names(t, "cooperating"), stored.Agencies.Where(a => a.Role == AgencyRole.Cooperating).OrderBy(a => a.Id).Select(a => a.Name));
            Assert.Equal(Names(t, "criteria"), stored.Criteria.OrderBy(c => c.Id).Select(c => $"{c.Framework}:{c.Code}"));
            Assert.Equal(parent, stored.ParentId is { } p ? numbers[p] : null);
            if (Str(t, "section") is { Length: > 0 } code)
                Assert.Equal(code, sections.Single(s => s.Id == stored.SectionId).Code);
        }
        var targets = doc.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(targets.Count, plan.Targets.Count);
        Assert.Equal(targets.Select(t => t.GetProperty("metric").GetString()), plan.Targets.OrderBy(t => t.Order).Select(t => t.Metric));
        Assert.Equal(targets.Select(t => Str(t, "text")), plan.Targets.OrderBy(t => t.Order).Select(t => t.Text));
        Assert.Equal(targets.Select(t => t.TryGetProperty("threshold", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : (decimal?)null),
            plan.Targets.OrderBy(t => t.Order).Select(t => t.Threshold));
    }

    [Fact]
    public async Task The_seed_plans_have_the_task_counts_of_their_appendices()
    {
        await using var database = await TestDatabase.CreateAsync(provider);

        var (_, p430, _) = await LoadAsync(database, Read("430-KH-UBND-2023.json"));
        Assert.Equal(22, p430.Count);

        var (p2022, t2022, _) = await LoadAsync(database, Read("164-KH-UBND-2022.json"));
        Assert.Equal("164/KH-UBND", p2022.Number);
        Assert.Equal(new DateOnly(2022, 6, 13), p2022.IssuedOn);
        var top = t2022.Where(t => t.ParentId is null).ToList();
        Assert.Equal(9, top.Count);
        var task5 = top.Single(t => t.Number == "5");
        var items = t2022.Where(t => t.ParentId == task5.Id).ToList();
        Assert.Equal(9, items.Count);
        Assert.Equal("Trong tháng 6/2022", items[0].DeadlineText);
        Assert.Equal(new DateOnly(2022, 6, 30), items[0].Due);
        Assert.Equal("Sở Nội vụ", items[0].Agencies.Single(a => a.Role == AgencyRole.Lead).Name);

        var (p2024, t2024, s2024) = await LoadAsync(database, Read("164-KH-UBND-2024.json"));
        Assert.Equal(73, t2024.Count);
        var headings = s2024.Where(s => t2024.Any(t => t.SectionId == s.Id)).Select(s => s.Code[..1]).Distinct().Order();
        Assert.Equal(["A", "B", "C"], headings);
        var first = t2024[0];
        Assert.Equal("Tham mưu UBND Thành phố tổ chức Hội nghị triển khai các giải pháp nhằm cải thiện, nâng cao Chỉ số PAR INDEX, SIPAS, PAPI năm 2024.", first.Description);
        Assert.Equal("Tháng 5/2024", first.DeadlineText);
        Assert.Equal(["Các sở, ban, ngành", "UBND cấp huyện"], first.Agencies.Where(a => a.Role == AgencyRole.Cooperating).Select(a => a.Name));
        Assert.Equal(4, p2024.Targets.Count);

        var (tayHo, _, _) = await LoadAsync(database, Read("tay-ho-2024.json"));
        Assert.Equal(33, tayHo.Targets.Count);
        var sipas = tayHo.Targets.Single(t => t.Metric == "Chỉ số SIPAS của quận");
        Assert.Equal((Features.Results.Comparator.AtLeast, 90m, "%"), (sipas.Comparator!.Value, sipas.Threshold!.Value, sipas.Unit!));
        Assert.Equal("Chỉ số SIPAS của quận đạt tối thiểu 90%.", sipas.Text);
    }

    [Fact]
    public async Task Unparsed_deadlines_are_flagged_and_unresolved_agencies_are_listed_by_the_API()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        using var client = app.CreateClient();
        await using var db = database.NewContext();

        foreach (var plan in await db.Plans.ToListAsync())
        {
            var detail = JsonDocument.Parse(await client.GetStringAsync($"/api/plans/{plan.Id}")).RootElement;
            var lines = detail.GetProperty("sections").EnumerateArray().SelectMany(s => s.GetProperty("tasks").EnumerateArray()).ToList();
            var stored = await db.PlanTasks.Where(t => t.PlanId == plan.Id).ToListAsync();
            Assert.Equal(stored.Count, lines.Count);
            foreach (var t in stored)
            {
                var line = lines.Single(l => l.GetProperty("id").GetInt32() == t.Id);
                Assert.Equal(t.DeadlineText, line.GetProperty("deadlineText").GetString());
                Assert.Equal(t.DeadlineKind == DeadlineKind.Unparsed && t.DeadlineText is not null, line.GetProperty("deadlineUnparsed").GetBoolean());
                Assert.Equal(t.DeadlineKind == DeadlineKind.Unparsed, line.GetProperty("understood").ValueKind == JsonValueKind.Null);
            }

            var response = await client.GetAsync($"/api/plans/{plan.Id}/unresolved-agencies");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var listed = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray()
                .Select(a => a.GetProperty("name").GetString()).Order(StringComparer.Ordinal).ToList();
            var expected = await db.PlanTasks.Where(t => t.PlanId == plan.Id).SelectMany(t => t.Agencies)
                .Where(a => a.UnitId == null && a.GroupId == null).Select(a => a.Name).Distinct().ToListAsync();
            Assert.Equal(expected.Order(StringComparer.Ordinal), listed);
        }
        // 164/KH-UBND (2024) names agencies the registry does not know yet, such as "Công an cấp xã".
        var p2024 = await db.Plans.SingleAsync(p => p.Number == "164/KH-UBND" && p.Year == 2024);
        var unresolved = JsonDocument.Parse(await client.GetStringAsync($"/api/plans/{p2024.Id}/unresolved-agencies")).RootElement;
        Assert.Contains(unresolved.EnumerateArray(), a => a.GetProperty("name").GetString() == "Công an cấp xã"
            && a.GetProperty("roles")[0].GetString() == "Lead" && a.GetProperty("tasks").GetArrayLength() == 1);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/plans/999999/unresolved-agencies")).StatusCode);
    }
}

public sealed class BuiltInPlansSqliteTests() : BuiltInPlansTests(Provider.Sqlite);

public sealed class BuiltInPlansPostgresTests() : BuiltInPlansTests(Provider.Postgres);
