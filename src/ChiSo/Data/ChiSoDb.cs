using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Features.Audit;
using ChiSo.Features.Cluster;
using ChiSo.Features.Files;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Inspections;
using ChiSo.Features.Reports;
using ChiSo.Features.Plans;
using ChiSo.Features.Results;
using ChiSo.Features.Surveys;
using ChiSo.Features.Units;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Data;

/// <summary>The model, shared by both providers. Each provider has a thin subclass with its own migrations:
/// after changing the model run <c>./chiso dev add-migration Name</c>, which adds one to both.</summary>
public abstract class ChiSoDb(DbContextOptions options) : IdentityDbContext<ChiSoUser>(options), IDataProtectionKeyContext
{
    public DbSet<Unit> Units => Set<Unit>();
    public DbSet<UnitAlias> UnitAliases => Set<UnitAlias>();
    public DbSet<UnitEvent> UnitEvents => Set<UnitEvent>();
    public DbSet<UnitGroup> UnitGroups => Set<UnitGroup>();
    public DbSet<UnitSuccession> UnitSuccessions => Set<UnitSuccession>();
    public DbSet<TaskHandover> TaskHandovers => Set<TaskHandover>();
    public DbSet<Framework> Frameworks => Set<Framework>();
    public DbSet<FrameworkVersion> FrameworkVersions => Set<FrameworkVersion>();
    public DbSet<Criterion> Criteria => Set<Criterion>();
    public DbSet<CriterionYearLead> CriterionYearLeads => Set<CriterionYearLead>();
    public DbSet<IndexResult> Results => Set<IndexResult>();
    public DbSet<IndexTarget> Targets => Set<IndexTarget>();
    public DbSet<AuditEntry> Audit => Set<AuditEntry>();
    public DbSet<StoredFile> Files => Set<StoredFile>();
    public DbSet<Plan> Plans => Set<Plan>();
    public DbSet<PlanTask> PlanTasks => Set<PlanTask>();
    public DbSet<PlanTarget> PlanTargets => Set<PlanTarget>();
    public DbSet<ProgressUpdate> ProgressUpdates => Set<ProgressUpdate>();
    public DbSet<ReminderSent> RemindersSent => Set<ReminderSent>();
    public DbSet<PeriodicReport> PeriodicReports => Set<PeriodicReport>();
    public DbSet<Inspection> Inspections => Set<Inspection>();
    public DbSet<Questionnaire> Questionnaires => Set<Questionnaire>();
    public DbSet<Question> Questions => Set<Question>();
    public DbSet<QuestionLink> QuestionLinks => Set<QuestionLink>();
    public DbSet<SurveyRound> SurveyRounds => Set<SurveyRound>();
    public DbSet<SurveyResponse> SurveyResponses => Set<SurveyResponse>();
    public DbSet<SurveyToken> SurveyTokens => Set<SurveyToken>();
    public DbSet<UsedDossier> UsedDossiers => Set<UsedDossier>();
    public DbSet<PaperBatch> PaperBatches => Set<PaperBatch>();
    public DbSet<AssessmentCycle> Cycles => Set<AssessmentCycle>();
    public DbSet<CycleUnit> CycleUnits => Set<CycleUnit>();
    public DbSet<AssessmentItem> AssessmentItems => Set<AssessmentItem>();
    public DbSet<Evidence> Evidence => Set<Evidence>();
    public DbSet<AssessmentMessage> AssessmentMessages => Set<AssessmentMessage>();
    public DbSet<ChiSo.Features.Notifications.NoticeRead> NoticesRead => Set<ChiSo.Features.Notifications.NoticeRead>();
    public DbSet<ChiSo.Features.Notifications.NoticeMailed> NoticesMailed => Set<ChiSo.Features.Notifications.NoticeMailed>();
    public DbSet<AuthSession> AuthSessions => Set<AuthSession>();
    public DbSet<LoginFailure> LoginFailures => Set<LoginFailure>();
    public DbSet<ScheduledRun> ScheduledRuns => Set<ScheduledRun>();
    // Shared by every app instance, so cookies and antiforgery tokens survive a second instance or a restart.
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<ChiSoUser>().Property(u => u.DisplayName).HasMaxLength(200);
        modelBuilder.Entity<ChiSoUser>().HasOne(u => u.Unit).WithMany().HasForeignKey(u => u.UnitId).OnDelete(DeleteBehavior.Restrict);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ChiSoDb).Assembly);
    }

    // Audit rows are chained here, for every writer (docs/decisions/0013): a save that adds some takes the chain's lock,
    // reads the head and appends, all in one transaction. A save without audit rows (survey answers, most edits) is untouched.
    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        AuditChain.Added(this) is { Count: > 0 } added
            ? SaveChainedAsync(added, acceptAllChangesOnSuccess, async: false, CancellationToken.None).GetAwaiter().GetResult()
            : base.SaveChanges(acceptAllChangesOnSuccess);

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default) =>
        AuditChain.Added(this) is { Count: > 0 } added
            ? SaveChainedAsync(added, acceptAllChangesOnSuccess, async: true, cancellationToken)
            : base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);

    // With async false every step completes synchronously, so SaveChanges waits on a finished task.
    async Task<int> SaveChainedAsync(List<AuditEntry> added, bool accept, bool async, CancellationToken ct)
    {
        var own = Database.CurrentTransaction is not null ? null : async ? await Database.BeginTransactionAsync(ct) : Database.BeginTransaction();
        try
        {
            await AuditChain.SealAsync(this, added, async, ct);
            var saved = async ? await base.SaveChangesAsync(accept, ct) : base.SaveChanges(accept);
            if (own is not null)
            {
                if (async) await own.CommitAsync(ct);
                else own.Commit();
            }
            return saved;
        }
        finally
        {
            if (own is not null)
            {
                if (async) await own.DisposeAsync();
                else own.Dispose();
            }
        }
    }
}

public sealed class SqliteChiSoDb(DbContextOptions<SqliteChiSoDb> options) : ChiSoDb(options);

public sealed class PostgresChiSoDb(DbContextOptions<PostgresChiSoDb> options) : ChiSoDb(options);
