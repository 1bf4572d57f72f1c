using ChiSo.Features.Units;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Units;

public sealed class UnitNameTests
{
    [Theory]
    [InlineData("Sở Nội vụ", "sở nội vụ")]
    [InlineData("  SỞ   NỘI\tVỤ ", "Sở Nội vụ")]
    [InlineData("Uỷ ban nhân dân Thành phố", "Ủy ban nhân dân thành phố")]
    [InlineData("Huyện Ứng Hoà", "Huyện Ứng Hòa")]
    [InlineData("Sở Lao động – Thương binh và Xã hội", "Sở Lao động - Thương binh và Xã hội")]
    public void Spellings_of_one_name_fold_together(string a, string b) =>
        Assert.Equal(UnitNames.Normalize(a), UnitNames.Normalize(b));

    [Theory]
    [InlineData("Sở Tư pháp", "Sở Tài chính")]
    [InlineData("Sở Tư pháp", "So Tu phap")]
    [InlineData("Sở Y tế", "Sở Y tê")]
    public void Diacritics_keep_names_apart(string a, string b) =>
        Assert.NotEqual(UnitNames.Normalize(a), UnitNames.Normalize(b));

    [Fact]
    public void Decomposed_unicode_folds_to_the_composed_form() =>
        Assert.Equal(UnitNames.Normalize("Sở Nội vụ"), UnitNames.Normalize("Sở Nội vụ".Normalize(System.Text.NormalizationForm.FormD)));
}

public abstract class UnitTests(Provider provider)
{
    static UnitDocument Unit(string code, string name, string? parent = null, params string[] aliases) =>
        new() { Code = code, Name = name, Kind = "department", Parent = parent, Aliases = [.. aliases] };

    static string NewCode() => "T" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    [Fact]
    public async Task The_directory_finds_a_unit_by_code_name_or_alias()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var units = await UnitDirectory.LoadAsync(db);

        string[] spellings = ["SNV", "snv", " SNV ", "Sở Nội vụ", "sở  nội vụ", "Sở NV", "Sở Nội vụ Hà Nội"];
        Assert.All(spellings, written => Assert.Equal("SNV", units.Find(written)?.Code));
    }

    [Fact]
    public async Task The_directory_tells_similar_names_apart_and_finds_nothing_for_unknown_ones()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var units = await UnitDirectory.LoadAsync(db);

        Assert.Equal("STP", units.Find("Sở Tư pháp")?.Code);
        Assert.Equal("STC", units.Find("Sở Tài chính")?.Code);
        Assert.Equal("HN", units.Find("Uỷ ban nhân dân thành phố Hà Nội")?.Code);
        Assert.Null(units.Find("Sở Không Có Thật"));
    }

    [Fact]
    public async Task New_units_import_with_their_parent_and_aliases()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (parent, child) = (NewCode(), NewCode());
        var doc = new UnitsDocument { Units = [Unit(parent, "Sở Thử Nghiệm " + parent, null, "STN " + parent), Unit(child, "Phòng Thử " + child, parent)] };

        await using (var db = database.NewContext()) Assert.Empty(await new UnitImporter(db).ImportAsync(doc, Actors.Admin()));

        await using var fresh = database.NewContext();
        var units = await UnitDirectory.LoadAsync(fresh);
        Assert.Equal(parent, units.Find("stn " + parent.ToLowerInvariant())?.Code);
        var stored = await fresh.Units.Include(u => u.Parent).SingleAsync(u => u.Code == child);
        Assert.Equal(parent, stored.Parent?.Code);
    }

    [Fact]
    public async Task An_alias_given_to_two_units_is_refused_and_nothing_is_written()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (a, b) = (NewCode(), NewCode());
        var doc = new UnitsDocument { Units = [Unit(a, "Đơn vị A " + a, null, "Tên chung"), Unit(b, "Đơn vị B " + b, null, "tên  CHUNG")] };

        IReadOnlyList<string> problems;
        await using (var db = database.NewContext()) problems = await new UnitImporter(db).ImportAsync(doc, Actors.Admin());

        var problem = Assert.Single(problems);
        Assert.Contains("'tên chung'", problem);
        Assert.Contains(a, problem);
        Assert.Contains(b, problem);
        await using var fresh = database.NewContext();
        Assert.False(await fresh.Units.AnyAsync(u => u.Code == a || u.Code == b));
    }

    [Fact]
    public async Task An_alias_already_used_by_another_unit_is_refused_and_nothing_is_written()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var code = NewCode();
        var doc = new UnitsDocument { Units = [Unit(code, "Đơn vị " + code, null, "Sở NV")] };

        IReadOnlyList<string> problems;
        await using (var db = database.NewContext()) problems = await new UnitImporter(db).ImportAsync(doc, Actors.Admin());

        var problem = Assert.Single(problems);
        Assert.Contains("SNV", problem);
        Assert.Contains(code, problem);
        await using var fresh = database.NewContext();
        Assert.False(await fresh.Units.AnyAsync(u => u.Code == code));
        Assert.Equal("SNV", (await UnitDirectory.LoadAsync(fresh)).Find("Sở NV")?.Code);
    }

    [Fact]
    public async Task A_unit_under_an_unknown_parent_is_refused_and_nothing_is_written()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (good, orphan) = (NewCode(), NewCode());
        var doc = new UnitsDocument { Units = [Unit(good, "Đơn vị " + good), Unit(orphan, "Đơn vị " + orphan, "KHONG-CO")] };

        IReadOnlyList<string> problems;
        await using (var db = database.NewContext()) problems = await new UnitImporter(db).ImportAsync(doc, Actors.Admin());

        Assert.Equal([$"{orphan}: không có đơn vị cấp trên 'KHONG-CO'."], problems);
        await using var fresh = database.NewContext();
        Assert.False(await fresh.Units.AnyAsync(u => u.Code == good || u.Code == orphan));
    }

    [Fact]
    public async Task Importing_the_registry_again_adds_no_units_aliases_or_events()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var before = (await db.Units.CountAsync(), await db.UnitAliases.CountAsync(), await db.UnitEvents.CountAsync(), await db.UnitGroups.CountAsync());

        Assert.Empty(await new UnitImporter(db).ImportAsync(ChiSo.Data.BuiltInData.Read<UnitsDocument>("units.json"), Actors.Admin()));

        await using var fresh = database.NewContext();
        Assert.Equal(before, (await fresh.Units.CountAsync(), await fresh.UnitAliases.CountAsync(), await fresh.UnitEvents.CountAsync(), await fresh.UnitGroups.CountAsync()));
    }
}

public sealed class UnitSqliteTests() : UnitTests(Provider.Sqlite);

public sealed class UnitPostgresTests() : UnitTests(Provider.Postgres);
