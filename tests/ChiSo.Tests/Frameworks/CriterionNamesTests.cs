using ChiSo.Features.Audit;
using ChiSo.Features.Frameworks;
using ChiSo.Tests.Infrastructure;

namespace ChiSo.Tests.Frameworks;

/// <summary>A criterion is read under the name its year's version gives it. The city's index renamed criteria in 2025, and
/// Decision 5666 replaced the 2025 version within the same year: "1.5" is "Công tác tuyên truyền CCHC" in 2024 and
/// "Tuyên truyền CCHC; đối thoại…" from 5666 on; commune criterion "3.4" changed subject altogether.</summary>
public abstract class CriterionNamesTests(Provider provider)
{
    const string Y2024 = "Công tác tuyên truyền CCHC";
    const string Y5666 = "Tuyên truyền CCHC; đối thoại của người đứng đầu với người dân, doanh nghiệp";

    [Fact]
    public async Task A_criterion_is_named_as_its_years_version_and_of_two_versions_of_one_year_as_the_later()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var names = await CriterionNames.LoadAsync(db);

        Assert.Equal(Y2024, names.Of("city-par-departments", "1.5", 2024).Name);
        Assert.Equal(Y5666, names.Of("city-par-departments", "1.5", 2025).Name);
        Assert.Equal(Y5666, names.Of("city-par-departments", "1.5", 2026).Name);
        // No year: the newest version, the same on both databases whatever order they return rows in.
        Assert.Equal(Y5666, names.Of("city-par-departments", "1.5").Name);
        // A year before every version: the first version's name, the one closest to it.
        Assert.Equal(Y2024, names.Of("city-par-departments", "1.5", 2020).Name);
        Assert.Equal("Tổ chức Bộ phận Một cửa, điểm phục vụ hành chính công cấp xã", names.Of("city-par-communes", "3.4", 2025).Name);

        // A key that carries its year is read as that year's; the year a page gives does not override it.
        var keyed = names.Parse("city-par-departments@2024:1.5", 2026)!;
        Assert.Equal((Y2024, 2024), (keyed.Name, keyed.Year));
        Assert.Equal("/overview?f=city-par-departments&y=2024#c-1.5", keyed.Link);
        Assert.Equal(Y2024, names.Parse("city-par-departments:1.5", 2024)!.Name);
        Assert.Equal("/overview?f=city-par-departments#c-1.5", names.Parse("city-par-departments:1.5")!.Link);
        Assert.Null(names.Of("city-par-departments", "9.9", 2024).Name);
    }

    [Fact]
    public async Task An_audited_result_names_its_criterion_as_the_results_year_does()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var names = await CriterionNames.LoadAsync(db);
        var row = new AuditEntry { At = new DateTime(2025, 1, 10, 2, 0, 0), User = "admin", Subject = "result:city-par-departments:2024:SNV", Field = "1.5", OldValue = "1", NewValue = "1,5" };

        var line = AuditText.Describe(row, names, c => c);
        Assert.Equal(Y2024, line.Criterion?.Name);
        Assert.Equal("/overview?f=city-par-departments&y=2024#c-1.5", line.Criterion?.Link);

        // An edit of a version names the criterion as that version does, not as the newest.
        var edit = new AuditEntry { At = new DateTime(2025, 1, 10, 2, 0, 0), User = "admin", Subject = "framework:city-par-departments:2024", Field = "1.5/max", OldValue = "1", NewValue = "1,5" };
        Assert.Equal(Y2024, AuditText.Describe(edit, names, c => c).Criterion?.Name);
        Assert.Equal((Y5666, (int?)2025), (names.InVersion("city-par-departments", "2025-5666", "1.5").Name, names.InVersion("city-par-departments", "2025-5666", "1.5").Year));
        Assert.Equal(Y5666, names.InVersion("city-par-departments", "không có", "1.5").Name);
    }
}

public sealed class CriterionNamesSqliteTests() : CriterionNamesTests(Provider.Sqlite);

public sealed class CriterionNamesPostgresTests() : CriterionNamesTests(Provider.Postgres);
