using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Surveys;

internal sealed class QuestionnaireConfiguration : IEntityTypeConfiguration<Questionnaire>
{
    public void Configure(EntityTypeBuilder<Questionnaire> b)
    {
        b.HasIndex(q => new { q.Key, q.Version }).IsUnique();
        b.Property(q => q.Kind).HasConversion<string>().HasMaxLength(20);
        b.HasMany(q => q.Groups).WithOne().HasForeignKey(g => g.QuestionnaireId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(q => q.Sections).WithOne().HasForeignKey(s => s.QuestionnaireId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(q => q.Questions).WithOne().HasForeignKey(x => x.QuestionnaireId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RespondentGroupConfiguration : IEntityTypeConfiguration<RespondentGroup>
{
    public void Configure(EntityTypeBuilder<RespondentGroup> b) => b.HasIndex(g => new { g.QuestionnaireId, g.Code }).IsUnique();
}

internal sealed class QuestionSectionConfiguration : IEntityTypeConfiguration<QuestionSection>
{
    public void Configure(EntityTypeBuilder<QuestionSection> b) => b.HasIndex(s => new { s.QuestionnaireId, s.Code }).IsUnique();
}

internal sealed class QuestionConfiguration : IEntityTypeConfiguration<Question>
{
    public void Configure(EntityTypeBuilder<Question> b)
    {
        b.HasIndex(q => new { q.QuestionnaireId, q.Code }).IsUnique();
        b.Property(q => q.Type).HasConversion<string>().HasMaxLength(20);
        b.PrimitiveCollection(q => q.Options);
        b.PrimitiveCollection(q => q.Groups);
        b.HasOne<QuestionSection>().WithMany().HasForeignKey(q => q.SectionId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(q => q.Links).WithOne().HasForeignKey(l => l.QuestionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class QuestionLinkConfiguration : IEntityTypeConfiguration<QuestionLink>
{
    public void Configure(EntityTypeBuilder<QuestionLink> b)
    {
        b.HasIndex(l => new { l.QuestionId, l.CriterionId }).IsUnique();
        // A criterion deleted from its version takes its links along: the round then refuses it as unlinked, by name.
        b.HasOne(l => l.Criterion).WithMany().HasForeignKey(l => l.CriterionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SurveyRoundConfiguration : IEntityTypeConfiguration<SurveyRound>
{
    public void Configure(EntityTypeBuilder<SurveyRound> b)
    {
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Margin).HasPrecision(6, 4);
        b.HasOne(r => r.Questionnaire).WithMany().HasForeignKey(r => r.QuestionnaireId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(r => r.Quotas).WithOne().HasForeignKey(q => q.RoundId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RoundQuotaConfiguration : IEntityTypeConfiguration<RoundQuota>
{
    public void Configure(EntityTypeBuilder<RoundQuota> b)
    {
        b.HasIndex(q => new { q.RoundId, q.UnitId, q.Group }).IsUnique();
        b.HasOne(q => q.Unit).WithMany().HasForeignKey(q => q.UnitId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SurveyResponseConfiguration : IEntityTypeConfiguration<SurveyResponse>
{
    public void Configure(EntityTypeBuilder<SurveyResponse> b)
    {
        // Review in the index: live progress counts answers per unit × group × review from the index alone.
        b.HasIndex(r => new { r.RoundId, r.UnitId, r.Group, r.Review });
        b.HasIndex(r => new { r.RoundId, r.AnswersHash });
        b.Property(r => r.Channel).HasConversion<string>().HasMaxLength(10);
        b.Property(r => r.Review).HasConversion<string>().HasMaxLength(10);
        b.HasOne<SurveyRound>().WithMany().HasForeignKey(r => r.RoundId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Unit>().WithMany().HasForeignKey(r => r.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<PaperBatch>().WithMany().HasForeignKey(r => r.BatchId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class SurveyTokenConfiguration : IEntityTypeConfiguration<SurveyToken>
{
    public void Configure(EntityTypeBuilder<SurveyToken> b)
    {
        // The marker is the key; SQLite stores the table WITHOUT ROWID (migration SecretsAnonymity), in the order of the markers.
        b.HasKey(t => t.Hash);
        b.Property(t => t.Hash).HasMaxLength(64);
        b.HasOne<SurveyRound>().WithMany().HasForeignKey(t => t.RoundId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UsedDossierConfiguration : IEntityTypeConfiguration<UsedDossier>
{
    public void Configure(EntityTypeBuilder<UsedDossier> b)
    {
        b.HasKey(d => new { d.RoundId, d.Hash });
        b.Property(d => d.Hash).HasMaxLength(64);
        b.HasOne<SurveyRound>().WithMany().HasForeignKey(d => d.RoundId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PaperBatchConfiguration : IEntityTypeConfiguration<PaperBatch>
{
    public void Configure(EntityTypeBuilder<PaperBatch> b) =>
        b.HasOne<SurveyRound>().WithMany().HasForeignKey(p => p.RoundId).OnDelete(DeleteBehavior.Cascade);
}
