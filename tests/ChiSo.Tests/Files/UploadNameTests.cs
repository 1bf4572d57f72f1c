using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Features.Plans;
using ChiSo.Tests.Assessments;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Files;

/// <summary>The file store keeps one copy of each content under the first upload's name; every row that refers to a file
/// keeps the name its user gave, and shows and downloads it under that name.</summary>
public abstract class UploadNameTests(Provider provider)
{
    static readonly byte[] Pdf = AssessmentSetup.Pdf("cung mot noi dung");

    [Fact]
    public async Task The_same_bytes_uploaded_under_two_names_as_progress_evidence_keep_both_names()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var id = await db.PlanTasks.Where(t => t.Plan!.Number == "164/KH-UBND" && t.Plan.Year == 2024 && t.Number == "1").Select(t => t.Id).SingleAsync();
        var snv = await db.Units.Where(u => u.Code == "SNV").Select(u => u.Id).SingleAsync();
        var editor = Actors.Of(Roles.UnitEditor, snv, "can.bo.snv");
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 6, 5, 2, 0, 0, TimeSpan.Zero));

        var first = await TaskBoardProgress.FileAsync(db, id, new ProgressFiling("SNV", "InProgress", 40, "Đợt 1", new DateOnly(2024, 6, 1), null),
            [new EvidenceUpload("bien-ban-dot-1.pdf", Pdf)], editor, clock);
        var second = await TaskBoardProgress.FileAsync(db, id, new ProgressFiling("SNV", "Done", null, "Đợt 2", new DateOnly(2024, 6, 3), null),
            [new EvidenceUpload("bao-cao-tong-hop.pdf", Pdf), new EvidenceUpload("ban-sao-bao-cao.pdf", Pdf)], editor, clock);
        Assert.Equal(FilingOutcome.Filed, first.Outcome);
        Assert.Equal(FilingOutcome.Filed, second.Outcome);
        Assert.Equal(["bien-ban-dot-1.pdf"], first.Entry!.Evidence.Select(e => e.Name));
        Assert.Equal(["bao-cao-tong-hop.pdf", "ban-sao-bao-cao.pdf"], second.Entry!.Evidence.Select(e => e.Name));
        Assert.Equal(1, await db.Files.CountAsync(f => f.Sha256 == first.Entry.Evidence[0].Sha256));

        var detail = (await TaskBoardQueries.DetailAsync(db, id, new DateOnly(2024, 7, 1)))!;
        Assert.Equal(["bao-cao-tong-hop.pdf", "ban-sao-bao-cao.pdf", "bien-ban-dot-1.pdf"], detail.History.SelectMany(h => h.Evidence).Select(e => e.Name));
    }

    [Fact]
    public async Task The_same_bytes_as_evidence_of_an_assessment_and_as_two_plans_documents_keep_each_name()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var (s, _, cycle, units) = await AssessmentSetup.OpenCycleAsync(db);
        var editor = AssessmentSetup.Editor(units["SNV"]);
        var a = await s.AddEvidenceAsync(cycle, "SNV", new EvidenceInput("Kế hoạch CCHC", "12/KH-SNV", new DateOnly(2026, 1, 10), "Sở Nội vụ", null), "ke-hoach-cchc.pdf", Pdf, editor);
        var b = await s.AddEvidenceAsync(cycle, "SNV", new EvidenceInput("Báo cáo quý I", "20/BC-SNV", new DateOnly(2026, 3, 20), "Sở Nội vụ", null), "bao-cao-quy-1.pdf", Pdf, editor);
        Assert.True(a.Ok && b.Ok, a.Error ?? b.Error);
        Assert.Equal(("ke-hoach-cchc.pdf", "bao-cao-quy-1.pdf"), (a.Value.FileName, b.Value.FileName));
        Assert.Equal("bao-cao-quy-1.pdf", (await s.EvidenceFileAsync(cycle, "SNV", b.Value.Id, editor)).Value.Name);
        Assert.Equal("ke-hoach-cchc.pdf", (await s.EvidenceFileAsync(cycle, "SNV", a.Value.Id, editor)).Value.Name);
        var shown = (await s.GetAsync(cycle, "SNV", editor)).Value.Evidence.Select(e => e.FileName).Order(StringComparer.Ordinal);
        Assert.Equal(["bao-cao-quy-1.pdf", "ke-hoach-cchc.pdf"], shown);

        var plans = new PlanService(db, new FakeTimeProvider(AssessmentSetup.Start));
        var ids = await db.Plans.OrderBy(p => p.Id).Select(p => p.Id).Take(2).ToListAsync();
        Assert.True((await plans.AttachSourceAsync(ids[0], "164-KH-UBND.pdf", new MemoryStream(Pdf), Actors.Admin())).Errors is null);
        Assert.True((await plans.AttachSourceAsync(ids[1], "ke-hoach-quan-tay-ho.pdf", new MemoryStream(Pdf), Actors.Admin())).Errors is null);
        Assert.Equal("ke-hoach-quan-tay-ho.pdf", (await plans.SourceFileAsync(ids[1]))!.Value.Name);
        Assert.Equal("164-KH-UBND.pdf", (await plans.SourceFileAsync(ids[0]))!.Value.Name);
        Assert.Equal("ke-hoach-quan-tay-ho.pdf", (await plans.GetAsync(ids[1]))!.SourceFile!.Name);
    }
}

public sealed class UploadNameSqliteTests() : UploadNameTests(Provider.Sqlite);

public sealed class UploadNamePostgresTests() : UploadNameTests(Provider.Postgres);
