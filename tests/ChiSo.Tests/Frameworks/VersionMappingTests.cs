using ChiSo.Features.Frameworks;
using ChiSo.Features.Results;
using ChiSo.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static ChiSo.Tests.Infrastructure.FrameworkBuilder;

namespace ChiSo.Tests.Frameworks;

/// <summary>A new version of an index (as 1187/QĐ-BNV replaces 876/QĐ-BNV) renumbers its criteria: last year's value of a
/// criterion comes through the codes it continues, not through its own code, which means something else there.</summary>
public abstract class VersionMappingTests(Provider provider)
{
    [Fact]
    public async Task Last_years_values_read_across_a_renumbered_version_through_previous_codes()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        // Small(): V1 (from 2020) 1 = 5 (1.1 = 1,5; 1.2 = 3,5), 2 = 3 (2.1 = 3) in 2023. The new version swaps the fields and
        // merges 1.1 and 1.2 into one criterion.
        var doc = Small();
        doc.Versions[0] = doc.Versions[0] with { ValidToYear = 2023 };
        doc.Versions.Add(new VersionDocument
        {
            Label = "1187-thu", ValidFromYear = 2024, Max = 10,
            Criteria =
            [
                Node("1", 4, null, Node("1.1", 4) with { PreviousCodes = ["2.1"] }) with { PreviousCodes = ["2"] },
                Node("2", 6, null, Node("2.1", 6) with { PreviousCodes = ["1.1", "1.2"] }) with { PreviousCodes = ["1"] },
            ],
        });
        doc.Results.Add(Result(2024, 9, ("1", 3.5m), ("1.1", 3.5m), ("2", 5.5m), ("2.1", 5.5m)) with { Version = "1187-thu" });
        var report = await new FrameworkImporter(db, new FakeTimeProvider()).ImportAsync(doc, Actors.Admin("kiem.thu"), "Phiên bản mới");
        Assert.Empty(report.Problems);

        var s = (await IndexSnapshot.LoadAsync(db, doc.Key, 2024, null))!;
        decimal? Previous(string code) => s.PreviousOf(s.Criteria.Single(c => c.Code == code));
        Assert.Equal(3m, Previous("1"));
        Assert.Equal(3m, Previous("1.1"));
        Assert.Equal(5m, Previous("2"));
        Assert.Equal(5m, Previous("2.1")); // 1,5 + 3,5: two criteria merged into one
    }
}

public sealed class VersionMappingSqliteTests() : VersionMappingTests(Provider.Sqlite);

public sealed class VersionMappingPostgresTests() : VersionMappingTests(Provider.Postgres);
