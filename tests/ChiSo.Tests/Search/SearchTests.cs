using ChiSo.Features.Frameworks;
using ChiSo.Features.Plans;
using ChiSo.Features.Units;
using ChiSo.Tests.Infrastructure;

namespace ChiSo.Tests.Search;

public sealed class FoldTests
{
    [Theory]
    [InlineData("Sở Nội vụ", "so noi vu")]
    [InlineData("SỞ NỘI VỤ", "so noi vu")]
    [InlineData("Đối thoại", "doi thoai")]
    [InlineData("Uỷ ban nhân dân", "uy ban nhan dan")]
    public void Folding_drops_case_and_diacritics(string text, string folded)
    {
        Assert.Equal(folded, ViText.Fold(text));
        // Decomposed input (some phone keyboards, macOS) folds the same.
        Assert.Equal(folded, ViText.Fold(text.Normalize(System.Text.NormalizationForm.FormD)));
    }

    [Theory]
    [InlineData("so noi vu", true)]
    [InlineData("Sở nội", true)]
    [InlineData("noi vu so", true)]
    [InlineData("  ", true)]
    [InlineData("so tu phap", false)]
    public void Every_word_of_the_search_must_appear(string search, bool found) =>
        Assert.Equal(found, ViText.Matches(search, "SNV", "Sở Nội vụ"));
}

/// <summary>"so noi vu" finds "Sở Nội vụ" wherever a list can be searched: units, criteria, tasks. The folding is done in
/// C# on what the database returns, so both providers answer alike whatever their collation.</summary>
public abstract class SearchTests(Provider provider)
{
    [Fact]
    public async Task Units_are_found_without_diacritics()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var found = await UnitQueries.ListAsync(db, null, null, search: "so noi vu");

        Assert.Contains(found, u => u.Code == "SNV");
        Assert.DoesNotContain(found, u => u.Code == "STP");
        Assert.Contains(await UnitQueries.ListAsync(db, null, null, search: "SỞ TƯ PHÁP"), u => u.Code == "STP");
    }

    [Fact]
    public async Task Criteria_are_found_without_diacritics_and_keep_the_fields_above_them()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var version = (await FrameworkEditor.LoadAsync(db, "city-par-departments", "2024"))!;

        var rows = FrameworkEditor.Rows(version.Criteria, "doi thoai cua nguoi dung dau").ToList();

        var match = Assert.Single(rows, r => r.Criterion.Name.StartsWith("Đối thoại của người đứng đầu", StringComparison.Ordinal));
        // Its field comes first, at depth 0; nothing else from other fields.
        Assert.Equal(0, rows[0].Depth);
        Assert.True(match.Depth > 0);
        Assert.True(rows.Count < FrameworkEditor.Rows(version.Criteria).Count() / 4);
        Assert.Equal(FrameworkEditor.Rows(version.Criteria).Count(), FrameworkEditor.Rows(version.Criteria, "").Count());
    }

    [Fact]
    public async Task Tasks_are_found_by_their_agency_without_diacritics()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var asOf = new DateOnly(2024, 12, 31);

        var all = (await TaskBoardQueries.ListAsync(db, new TaskFilter(Year: 2024), asOf))!;
        var found = (await TaskBoardQueries.ListAsync(db, new TaskFilter(Year: 2024, Text: "so noi vu"), asOf))!;

        Assert.NotEmpty(found);
        Assert.True(found.Count < all.Count);
        Assert.All(found, t => Assert.True(ViText.Matches("sở nội vụ", t.Description, string.Join(' ', t.Lead), string.Join(' ', t.Cooperating), t.Output, t.Notes, t.Plan, t.Number)));
        Assert.Equal(all.Count(t => t.Lead.Contains("Sở Nội vụ") || t.Cooperating.Contains("Sở Nội vụ")),
            found.Count(t => t.Lead.Contains("Sở Nội vụ") || t.Cooperating.Contains("Sở Nội vụ")));
    }
}

public sealed class SearchSqliteTests() : SearchTests(Provider.Sqlite);

public sealed class SearchPostgresTests() : SearchTests(Provider.Postgres);
