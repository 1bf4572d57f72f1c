using System.Reflection;
using System.Text;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Features.Audit;
using ChiSo.Features.Dashboard;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Inspections;
using ChiSo.Features.Plans;
using ChiSo.Features.Reports;
using ChiSo.Features.Results;
using ChiSo.Features.Surveys;
using ChiSo.Features.Units;
using ChiSo.Tests.Assessments;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Accounts;

/// <summary>
/// Every service action that acts for someone (every public method of the product that takes an <see cref="Actor"/>),
/// called directly — not through a page or the API — as anonymous, each of the six roles, and a unit editor and head
/// on their own unit (SNV, the unit every action below targets) and on another (STP). The table says who may; the
/// test checks that everyone else is refused by the service (<see cref="AccessDenied"/>) and that those who may are not
/// (whatever else the action answers: a validation problem, a conflict, a not-found). The API, the pages and the CLI
/// all call these methods, so what holds here holds at every door.
///
/// ADDING AN ACTION: a public method with an <see cref="Actor"/> parameter fails this test until it has a row
/// <c>new("Type.Method", who, (f, a) => ...)</c>. Rows run in order; an action that changes who may see what (publishing)
/// comes last.
/// </summary>
public abstract class ActionMatrixTests(Provider provider)
{
    /// <summary>Who acts: anonymous, the six roles, and unit users of the target unit (own) or of another (other).</summary>
    public enum Who { Anonymous, Admin, EditorOwn, EditorOther, HeadOwn, HeadOther, Appraiser, SurveyInstitute, Leader }

    static readonly Who[] AdminOnly = [Who.Admin];
    static readonly Who[] SurveyManagers = [Who.Admin, Who.SurveyInstitute];
    static readonly Who[] SurveyReaders = [Who.Admin, Who.SurveyInstitute, Who.Leader];
    static readonly Who[] Filers = [Who.Admin, Who.EditorOwn, Who.HeadOwn];
    static readonly Who[] UnitViewers = [Who.Admin, Who.Leader, Who.EditorOwn, Who.HeadOwn, Who.Appraiser];
    static readonly Who[] SignedIn = [.. Enum.GetValues<Who>().Where(w => w != Who.Anonymous)];

    /// <summary>What the actions act on: SNV is the target unit throughout, STP the "other" unit.</summary>
    public sealed class Fixture(ChiSoApp app)
    {
        public required int Cycle { get; init; }
        public required int Round { get; init; }
        public required int Plan { get; init; }
        public required int Task { get; init; }
        public required int Target { get; init; }
        public required int Inspection { get; init; }
        public required string Framework { get; init; }
        public required string UserId { get; init; }
        public readonly FakeTimeProvider Clock = new(AssessmentSetup.Start);

        /// <summary>Runs one action in a scope of its own, as a request or a page event would.</summary>
        public async Task Run(Func<IServiceProvider, ChiSoDb, Task> work)
        {
            await using var scope = app.Services.CreateAsyncScope();
            await work(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<ChiSoDb>());
        }

        public AssessmentService Assessment(ChiSoDb db) => new(db, Clock);
    }

    public sealed record Action(string Name, Who[] Allowed, Func<Fixture, Actor, Task> Run);

    static Func<Fixture, Actor, Task> Db(Func<Fixture, ChiSoDb, Actor, Task> work) => (f, a) => f.Run((_, db) => work(f, db, a));
    static Func<Fixture, Actor, Task> Sp(Func<Fixture, IServiceProvider, ChiSoDb, Actor, Task> work) => (f, a) => f.Run((sp, db) => work(f, sp, db, a));
    static Func<Fixture, Actor, Task> Assess(Func<AssessmentService, Fixture, Actor, Task> work) => (f, a) => f.Run((_, db) => work(f.Assessment(db), f, a));

    static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    static ChiSo.Features.Notifications.NoticeService Notices(ChiSoDb db, Fixture f) =>
        new(db, f.Clock, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());

    static readonly Action[] Table =
    [
        // Frameworks and published results: the standing agency.
        new("FrameworkEditor.CreateFrameworkAsync", AdminOnly, Db((f, db, a) => FrameworkEditor.CreateFrameworkAsync(db, f.Clock, new NewFramework(FrameworkBuilder.NewKey(), "Ma trận"), a))),
        new("FrameworkEditor.CreateVersionAsync", AdminOnly, Db((f, db, a) => FrameworkEditor.CreateVersionAsync(db, f.Clock, f.Framework, new NewVersion("V-" + Guid.NewGuid().ToString("N")[..6], null, 2030, null, 100), a))),
        new("FrameworkEditor.SaveCriterionAsync", AdminOnly, Db((f, db, a) => FrameworkEditor.SaveCriterionAsync(db, f.Clock, f.Framework, FrameworkBuilder.Version, "1.1",
            new CriterionChange(Guid.Empty, "1", null, FrameworkBuilder.Node("1.1", 15)), a))),
        new("FrameworkEditor.DeleteCriterionAsync", AdminOnly, Db((f, db, a) => FrameworkEditor.DeleteCriterionAsync(db, f.Clock, f.Framework, FrameworkBuilder.Version, "4", Guid.Empty, null, a))),
        new("YearLeads.SetAsync", AdminOnly, Db((f, db, a) => YearLeads.SetAsync(db, f.Clock, f.Framework, FrameworkBuilder.Version, "1.1", 2022,
            new YearLeadsChange([new LeadDocument("SNV", null)], "ma trận", null), a))),
        new("FrameworkImporter.ImportAsync", AdminOnly, Db((f, db, a) => new FrameworkImporter(db, f.Clock).ImportAsync(FrameworkBuilder.Small(), a, "ma trận"))),
        new("FrameworkExcel.ImportAsync", AdminOnly, Db((f, db, a) => new FrameworkExcel(new FrameworkImporter(db, f.Clock)).ImportAsync(Bytes("không phải xlsx"), a, "ma trận"))),
        new("FrameworkExport.ImportJsonAsync", AdminOnly, Db((f, db, a) => FrameworkExport.ImportJsonAsync(new FrameworkImporter(db, f.Clock), Bytes("{}"), a, "ma trận"))),
        new("ScoreEditor.SetAsync", AdminOnly, Db((f, db, a) => ScoreEditor.SetAsync(db, f.Clock, "par-province", 2023, null, "1.1", new ScoreChange(1, "ma trận", Guid.Empty), a))),
        new("UnitImporter.ImportAsync", AdminOnly, Db((f, db, a) => new UnitImporter(db).ImportAsync(new UnitsDocument(), a))),
        new("UnitWorkbook.ImportAsync", AdminOnly, Db((f, db, a) => new UnitWorkbook(new UnitImporter(db)).ImportAsync(Bytes("không phải xlsx"), a))),
        new("UnitRegistry.AddAsync", AdminOnly, Db((f, db, a) => new UnitRegistry(db, f.Clock).AddAsync(new NewUnit("", "", "khong-co", null, null, null, null, null), a))),
        new("UnitRegistry.RenameAsync", AdminOnly, Db((f, db, a) => new UnitRegistry(db, f.Clock).RenameAsync("KHONG-CO", "Tên mới", new DateOnly(2025, 7, 1), null, a))),
        new("UnitRegistry.EndAsync", AdminOnly, Db((f, db, a) => new UnitRegistry(db, f.Clock).EndAsync("KHONG-CO",
            new UnitEnd(new DateOnly(2025, 6, 30), [], "1656/NQ-UBTVQH15", null, null, null), a))),
        new("UnitRegistry.RecordSuccessionAsync", AdminOnly, Db((f, db, a) => new UnitRegistry(db, f.Clock).RecordSuccessionAsync(
            new NewSuccession("KHONG-CO", "SNV", new DateOnly(2025, 7, 1), "1656/NQ-UBTVQH15", null, null, null), a))),
        new("TaskHandovers.AssignAsync", AdminOnly, Db((f, db, a) => TaskHandovers.AssignAsync(db, [new ShareAssignment(f.Task, "KHONG-CO", "SNV")], null, a, f.Clock))),
        new("TaskHandovers.AssignAllAtAsync", AdminOnly, Db((f, db, a) => TaskHandovers.AssignAllAtAsync(db, "KHONG-CO", "SNV", null, a, f.Clock))),

        // Plans and inspections: the standing agency. Task progress and reports: the unit itself, or the standing agency.
        new("PlanService.CreateAsync", AdminOnly, Db((f, db, a) => new PlanService(db, f.Clock).CreateAsync(new PlanDocument { Title = "", Year = 1 }, a))),
        new("PlanImporter.ImportAsync", AdminOnly, Db((f, db, a) => new PlanImporter(db, TimeProvider.System).ImportAsync(new PlanDocument { Title = "", Year = 1 }, a))),
        new("DraftFromGaps.CreateAsync", AdminOnly, Db((f, db, a) => DraftFromGaps.CreateAsync(db, "khong-co", 2023, null, a))),
        new("PlanService.EditHeaderAsync", AdminOnly, Db((f, db, a) => new PlanService(db, f.Clock).EditHeaderAsync(f.Plan,
            new PlanHeaderEdit("", 2024, PlanKind.IndexImprovement, null, null, null, null, null, null, Guid.Empty), a))),
        new("PlanService.EditTaskAsync", AdminOnly, Db((f, db, a) => new PlanService(db, f.Clock).EditTaskAsync(f.Plan, f.Task,
            new TaskEdit("", "", null, null, null, null, null, Guid.Empty), a))),
        new("PlanService.AddTaskAsync", AdminOnly, Db((f, db, a) => new PlanService(db, f.Clock).AddTaskAsync(f.Plan,
            new TaskEdit("", "", null, null, null, null, null, Guid.Empty), a))),
        new("PlanService.RemoveTaskAsync", AdminOnly, Db((f, db, a) => new PlanService(db, f.Clock).RemoveTaskAsync(f.Plan, f.Task, Guid.Empty, a))),
        new("PlanService.IssueAsync", AdminOnly, Db((f, db, a) => new PlanService(db, f.Clock).IssueAsync(f.Plan, new IssueRequest(null, null, Guid.Empty), a))),
        new("PlanService.RecordActualAsync", AdminOnly, Db((f, db, a) => new PlanService(db, f.Clock).RecordActualAsync(f.Plan, f.Target,
            new ActualEntry(1, ReportingPeriodKind.Q1, 1), a))),
        new("PlanService.AttachSourceAsync", AdminOnly, Db((f, db, a) => new PlanService(db, f.Clock).AttachSourceAsync(f.Plan, "x.txt", Bytes("x"), a))),
        new("TaskBoardProgress.FileAsync", Filers, Db((f, db, a) => TaskBoardProgress.FileAsync(db, f.Task,
            new ProgressFiling("SNV", "InProgress", 10, "ma trận", null, null), [], a, f.Clock))),
        // The task's page: whoever may read a task (anyone signed in) may comment on it and keep views of the task pages.
        new("TaskViews.ViewAsync", SignedIn, Db((f, db, a) => TaskViews.ViewAsync(db, f.Task, new DateOnly(2024, 7, 1), a))),
        new("TaskComments.ListAsync", SignedIn, Db((f, db, a) => TaskComments.ListAsync(db, f.Task, a))),
        new("TaskComments.AddAsync", SignedIn, Db((f, db, a) => TaskComments.AddAsync(db, f.Task, "ma trận", a, f.Clock))),
        new("SavedTaskFilters.ListAsync", SignedIn, Db((f, db, a) => SavedTaskFilters.ListAsync(db, "/tasks", a))),
        new("SavedTaskFilters.SaveAsync", SignedIn, Db((f, db, a) => SavedTaskFilters.SaveAsync(db, "/tasks", "ma trận", "?unit=SNV", a, f.Clock))),
        new("SavedTaskFilters.DeleteAsync", SignedIn, Db((f, db, a) => SavedTaskFilters.DeleteAsync(db, 999999, a))),
        new("ReportService.SaveAsync", Filers, Db((f, db, a) => new ReportService(db, f.Clock, ReportingSchedule.Default).SaveAsync("SNV", 2026, ReportingPeriodKind.Q1, null,
            new ReportEdit(Guid.Empty, null, null), a))),
        new("ReportService.SubmitAsync", Filers, Db((f, db, a) => new ReportService(db, f.Clock, ReportingSchedule.Default).SubmitAsync("SNV", 2026, ReportingPeriodKind.Q1, null, null, a))),
        new("DemoCycle.BuildAsync", AdminOnly, Sp((f, sp, db, a) => DemoCycle.BuildAsync(db, sp.GetRequiredService<UserAccounts>(), f.Clock, 1999, a))),
        new("InspectionService.GeneratePlanAsync", AdminOnly, Db((f, db, a) => new InspectionService(db).GeneratePlanAsync(1999, a))),
        new("InspectionService.AddAsync", AdminOnly, Db((f, db, a) => new InspectionService(db).AddAsync(new InspectionEdit(null, null, null, null, null, null), a))),
        new("InspectionService.RecordAsync", AdminOnly, Db((f, db, a) => new InspectionService(db).RecordAsync(f.Inspection, new InspectionEdit(null, null, null, null, "ma trận", null), a))),
        new("InspectionService.AddFindingAsync", AdminOnly, Db((f, db, a) => new InspectionService(db).AddFindingAsync(f.Inspection, new FindingRequest(null, null, null), a))),

        // Surveys: the standing agency and the survey institute run them; leaders also read answers and scores.
        new("QuestionnaireImporter.ImportAsync", SurveyManagers, Db((f, db, a) => new QuestionnaireImporter(db).ImportAsync(new QuestionnaireDocument(), a))),
        new("QuestionnaireExcel.ImportAsync", SurveyManagers, Db((f, db, a) => QuestionnaireExcel.ImportAsync(new QuestionnaireImporter(db), Bytes("x"), a))),
        new("QuestionLinks.SetAsync", SurveyManagers, Db((f, db, a) => QuestionLinks.SetAsync(db, f.Clock, -1, "B1", [], a))),
        new("Rounds.CreateAsync", SurveyManagers, Db((f, db, a) => Rounds.CreateAsync(db, new RoundRequest(2026, "", 0, default, default), a))),
        new("Rounds.EditAsync", SurveyManagers, Db((f, db, a) => Rounds.EditAsync(db, f.Round, "", default, default, a))),
        new("Rounds.SetStatusAsync", SurveyManagers, Db((f, db, a) => Rounds.SetStatusAsync(db, f.Round, RoundStatus.Draft, a, TimeProvider.System))),
        new("Rounds.SetQuotasAsync", SurveyManagers, Db((f, db, a) => Rounds.SetQuotasAsync(db, f.Round, [], a))),
        new("Rounds.RemoveQuotaAsync", SurveyManagers, Db((f, db, a) => Rounds.RemoveQuotaAsync(db, f.Round, -1, a))),
        new("Tokens.GenerateAsync", SurveyManagers, Db((f, db, a) => Tokens.GenerateAsync(db, ChiSoApp.Markers, f.Round, "SNV", "khong-co", 1, a))),
        new("CollectionProgress.ReviewAsync", SurveyManagers, Db((f, db, a) => CollectionProgress.ReviewAsync(db, f.Round, -1, true, a, f.Clock))),
        new("PaperImport.ImportAsync", SurveyManagers, Db((f, db, a) => PaperImport.ImportAsync(db, f.Round, "x.csv", Bytes("x"), a, f.Clock))),
        new("PaperImport.WithdrawAsync", SurveyManagers, Db((f, db, a) => PaperImport.WithdrawAsync(db, f.Round, -1, null, a, f.Clock))),
        new("ScoringPublish.PublishAsync", SurveyManagers, Db((f, db, a) => ScoringPublish.PublishAsync(db, new FrameworkImporter(db, f.Clock), f.Round, "khong-co", a))),
        new("CollectionProgress.LoadAsync", SurveyReaders, Db((f, db, a) => CollectionProgress.LoadAsync(db, f.Round, a))),
        new("CollectionProgress.FlaggedAsync", SurveyReaders, Db((f, db, a) => CollectionProgress.FlaggedAsync(db, f.Round, true, a))),
        new("PaperImport.BatchesAsync", SurveyReaders, Db((f, db, a) => PaperImport.BatchesAsync(db, f.Round, a))),
        new("ResponseExport.WriteAsync", SurveyReaders, Db((f, db, a) => ResponseExport.WriteAsync(db, f.Round, new MemoryStream(), a))),
        new("RoundScoring.ScoreAsync", SurveyReaders, Db((f, db, a) => RoundScoring.ScoreAsync(db, f.Round, a))),
        new("LiveScores.ScoreAsync", SurveyReaders, Sp((f, sp, db, a) => sp.GetRequiredService<LiveScores>().ScoreAsync(db, f.Round, a))),
        new("SurveyScoringApi.PageAsync", SurveyReaders, Db((f, db, a) => SurveyScoringApi.PageAsync(db, f.Round, null, null, null, 10, a))),

        // The change log: the standing agency and leaders read it and check its chain.
        new("AuditApi.ListAsync", [Who.Admin, Who.Leader], Db((f, db, a) => AuditApi.ListAsync(db, null, null, 10, a))),
        new("AuditChain.VerifyAsync", [Who.Admin, Who.Leader], Db((f, db, a) => AuditChain.VerifyAsync(db, a))),

        // The leaders' dashboard: leaders and the standing agency (other roles start on their own page).
        new("LeaderDashboard.LoadAsync", [Who.Admin, Who.Leader], Db((f, db, a) => LeaderDashboard.LoadAsync(db, f.Clock, a))),

        // Accounts: the standing agency's administrator.
        new("UserAccounts.ListAsync", AdminOnly, Sp((f, sp, db, a) => sp.GetRequiredService<UserAccounts>().ListAsync(a))),
        new("UserAccounts.CreateAsync", AdminOnly, Sp((f, sp, db, a) => sp.GetRequiredService<UserAccounts>().CreateAsync(new UserCreate(null, null, null, null, null, null), a))),
        new("UserAccounts.EditAsync", AdminOnly, Sp((f, sp, db, a) => sp.GetRequiredService<UserAccounts>().EditAsync(f.UserId, new UserEdit(null, null, null, null, null), a))),
        new("UserAccounts.ChangeOwnPasswordAsync", SignedIn, Sp((f, sp, db, a) => sp.GetRequiredService<UserAccounts>().ChangeOwnPasswordAsync(a, null, null, null))),
        new("UserAccounts.ResetPasswordAsync", AdminOnly, Sp((f, sp, db, a) => sp.GetRequiredService<UserAccounts>().ResetPasswordAsync(f.UserId, "ngan", a))),

        // The unit assessment (seed 002): the cycle's set-up and council are the standing agency's; a unit sees and
        // changes its own; the appraiser assigned to SNV appraises it; the survey institute enters survey points.
        new("AssessmentService.CreateCycleAsync", AdminOnly, Assess((s, f, a) => s.CreateCycleAsync(new CycleSpec(2026, "", default, default, default, 0, []), a))),
        new("AssessmentService.OpenCycleAsync", AdminOnly, Assess((s, f, a) => s.OpenCycleAsync(f.Cycle, a))),
        new("AssessmentService.AssignAppraisersAsync", AdminOnly, Assess((s, f, a) => s.AssignAppraisersAsync(f.Cycle, [], a))),
        new("AssessmentService.GetAsync", UnitViewers, Assess((s, f, a) => s.GetAsync(f.Cycle, "SNV", a))),
        new("AssessmentService.ScorecardAsync", UnitViewers, Assess((s, f, a) => s.ScorecardAsync(f.Cycle, "SNV", a))),
        new("AssessmentService.DialogueAsync", UnitViewers, Assess((s, f, a) => s.DialogueAsync(f.Cycle, "SNV", "1.1", a))),
        new("AssessmentService.EvidenceFileAsync", UnitViewers, Assess((s, f, a) => s.EvidenceFileAsync(f.Cycle, "SNV", -1, a))),
        new("AssessmentService.SaveSelfScoreAsync", Filers, Assess((s, f, a) => s.SaveSelfScoreAsync(f.Cycle, "SNV", "1.1", new SelfScoreInput("1", null, null, null, Guid.Empty), a))),
        new("AssessmentService.AddEvidenceAsync", Filers, Assess((s, f, a) => s.AddEvidenceAsync(f.Cycle, "SNV", new EvidenceInput("", null, null, null, null), "x.txt", [1], a))),
        new("AssessmentService.SubmitAsync", [Who.Admin, Who.HeadOwn], Assess((s, f, a) => s.SubmitAsync(f.Cycle, "SNV", a))),
        new("AssessmentService.ReopenAsync", AdminOnly, Assess((s, f, a) => s.ReopenAsync(f.Cycle, "SNV", new ReasonInput(""), a))),
        new("AssessmentService.AppraiseAsync", [Who.Admin, Who.Appraiser], Assess((s, f, a) => s.AppraiseAsync(f.Cycle, "SNV", "1.1",
            new AppraisalInput(AppraisalVerdict.Accepted, null, null, Guid.Empty), a))),
        new("AssessmentService.SendAppraisalAsync", [Who.Admin, Who.Appraiser], Assess((s, f, a) => s.SendAppraisalAsync(f.Cycle, "SNV", a))),
        new("AssessmentService.ExplainAsync", Filers, Assess((s, f, a) => s.ExplainAsync(f.Cycle, "SNV", "1.1", new ExplanationInput("", null, Guid.Empty), a))),
        new("AssessmentService.FinishExplanationAsync", [Who.Admin, Who.HeadOwn], Assess((s, f, a) => s.FinishExplanationAsync(f.Cycle, "SNV", a))),
        new("AssessmentService.QueueAsync", SignedIn, Assess((s, f, a) => s.QueueAsync(a))),
        new("AssessmentService.SetSurveyPointsAsync", SurveyManagers, Assess((s, f, a) => s.SetSurveyPointsAsync(f.Cycle, new SurveyPointsInput("", []), a))),
        new("AssessmentService.SurveyPointsFromRoundAsync", SurveyManagers, Assess((s, f, a) => s.SurveyPointsFromRoundAsync(f.Cycle, f.Round, a))),
        new("AssessmentService.RankingAsync", [Who.Admin, Who.Leader], Assess((s, f, a) => s.RankingAsync(f.Cycle, a))),
        new("AssessmentService.HeatMapAsync", [Who.Admin, Who.Leader], Assess((s, f, a) => s.HeatMapAsync(f.Cycle, a))),
        new("AssessmentService.FinaliseAsync", AdminOnly, Assess((s, f, a) => s.FinaliseAsync(f.Cycle, new CouncilInput(default, "", 0, 0, null, null), a))),
        // Notifications: every signed-in user has their own.
        new("NoticeService.ListAsync", SignedIn, Db((f, db, a) => Notices(db, f).ListAsync(a))),
        new("NoticeService.UnreadCountAsync", SignedIn, Db((f, db, a) => Notices(db, f).UnreadCountAsync(a))),
        new("NoticeService.MarkReadAsync", SignedIn, Db((f, db, a) => Notices(db, f).MarkReadAsync(["khong-co"], a))),
        // Last: publishing opens every unit's assessment to everyone signed in.
        new("AssessmentService.PublishAsync", AdminOnly, Assess((s, f, a) => s.PublishAsync(f.Cycle, new DateOnly(2027, 3, 1), a))),
    ];

    /// <summary>The product's actions: public methods of ChiSo's types that take an Actor, but the rules themselves
    /// (May…, which answer the question rather than act).</summary>
    static List<string> ProductActions() =>
        typeof(Actor).Assembly.GetTypes().Where(t => t.IsPublic && t.Namespace?.StartsWith("ChiSo.Features", StringComparison.Ordinal) == true)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(Actor)) && !m.Name.StartsWith("May", StringComparison.Ordinal)
                    && !(t == typeof(Actor)))
                .Select(m => $"{t.Name}.{m.Name}"))
            .Distinct().Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void Every_action_that_takes_an_actor_is_in_the_table()
    {
        var covered = Table.Select(a => a.Name).ToHashSet();
        var missing = ProductActions().Where(a => !covered.Contains(a)).ToList();
        Assert.True(missing.Count == 0, "No row in the table for: " + string.Join(", ", missing));
        var stale = covered.Except(ProductActions()).ToList();
        Assert.True(stale.Count == 0, "Rows for actions the product does not have: " + string.Join(", ", stale));
        Assert.True(Table.Length > 60, $"{Table.Length} actions");
    }

    [Fact]
    public void No_service_takes_who_acts_as_a_string()
    {
        // An author passed as text is believed by whatever receives it: the services take the Actor and name it themselves.
        var suspects = typeof(Actor).Assembly.GetTypes().Where(t => t.IsPublic)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .SelectMany(m => m.GetParameters().Where(p => p.ParameterType == typeof(string) && p.Name is "user" or "who" or "author" or "by" or "actorName")
                    .Select(p => $"{t.Name}.{m.Name}({p.Name})")))
            .ToList();
        Assert.Empty(suspects);
    }

    [Fact]
    public async Task Each_action_admits_exactly_the_actors_of_the_table()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var (fixture, actors) = await ArrangeAsync(database, app);

        var wrong = new List<string>();
        foreach (var action in Table)
        {
            // Those who may not go first: a refused call changes nothing, so the allowed calls after them meet the same state.
            foreach (var who in Enum.GetValues<Who>().OrderBy(w => action.Allowed.Contains(w)))
            {
                var allowed = action.Allowed.Contains(who);
                string? outcome;
                try
                {
                    await action.Run(fixture, actors[who]);
                    outcome = allowed ? null : "not refused";
                }
                catch (AccessDenied) { outcome = allowed ? "refused" : null; }
                // The file itself refused (not a workbook): the actor got past the rule.
                catch (ChiSo.Features.Files.FileRefused) { outcome = allowed ? null : "not refused"; }
                catch (Exception e) { outcome = $"{e.GetType().Name}: {e.Message}"; }
                if (outcome is not null) wrong.Add($"{action.Name} as {who}: {outcome}");
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    /// <summary>An open assessment cycle over SNV, STP, STC with an appraiser assigned to SNV, a survey round, a plan with
    /// a task SNV leads and a target, an inspection, a framework version of the test's own, and an account to edit.</summary>
    static async Task<(Fixture, Dictionary<Who, Actor>)> ArrangeAsync(TestDatabase database, ChiSoApp app)
    {
        await using var db = database.NewContext();
        var (assessment, _, cycle, units) = await AssessmentSetup.OpenCycleAsync(db);
        var appraiser = await AssessmentSetup.AppraiserAsync(db, "tham.dinh.ma.tran");
        Assert.True((await assessment.AssignAppraisersAsync(cycle, [new AssignmentSpec("tham.dinh.ma.tran", "SNV", null)], AssessmentSetup.Admin)).Ok);
        var framework = (await db.FrameworkVersions.Include(v => v.Framework).FirstAsync(v => v.Criteria.Any(c => c.Code == "4.1") && v.Framework!.Key.StartsWith("thu-"))).Framework!.Key;

        var admin = Actors.Admin("ma.tran");
        var questionnaire = await db.Questionnaires.Where(q => q.Key == "sipas").Select(q => q.Id).FirstAsync();
        var round = await Rounds.CreateAsync(db, new RoundRequest(2026, "Ma trận", questionnaire, new DateOnly(2026, 10, 1), new DateOnly(2026, 12, 30)), admin);
        Assert.Null(round.Errors);

        var task = await db.PlanTasks.Where(t => t.Agencies.Any(a => a.UnitId == units["SNV"] && a.Role == AgencyRole.Lead))
            .Select(t => new { TaskId = t.Id, t.PlanId }).FirstAsync();
        var target = await db.PlanTargets.Select(t => t.Id).FirstAsync();
        var inspections = new InspectionService(db);
        await inspections.GeneratePlanAsync(2026, admin);
        var inspection = await db.Inspections.Select(i => i.Id).FirstAsync();
        var user = new ChiSo.Features.Accounts.ChiSoUser { UserName = "tai.khoan.ma.tran", NormalizedUserName = "TAI.KHOAN.MA.TRAN", DisplayName = "Ma trận" };
        db.Users.Add(user);
        await db.SaveChangesAsync();

        var fixture = new Fixture(app)
        {
            Cycle = cycle, Round = round.Value, Plan = task.PlanId, Task = task.TaskId, Target = target, Inspection = inspection,
            Framework = framework, UserId = user.Id,
        };
        var actors = new Dictionary<Who, Actor>
        {
            [Who.Anonymous] = Actor.Anonymous,
            [Who.Admin] = admin,
            [Who.EditorOwn] = Actors.Of(Roles.UnitEditor, units["SNV"], "editor.snv"),
            [Who.EditorOther] = Actors.Of(Roles.UnitEditor, units["STP"], "editor.stp"),
            [Who.HeadOwn] = Actors.Of(Roles.UnitHead, units["SNV"], "head.snv"),
            [Who.HeadOther] = Actors.Of(Roles.UnitHead, units["STP"], "head.stp"),
            [Who.Appraiser] = appraiser,
            [Who.SurveyInstitute] = Actors.Of(Roles.SurveyInstitute, null, "vien"),
            [Who.Leader] = Actors.Of(Roles.Leader, null, "lanh.dao"),
        };
        return (fixture, actors);
    }
}

public sealed class ActionMatrixSqliteTests() : ActionMatrixTests(Provider.Sqlite);

public sealed class ActionMatrixPostgresTests() : ActionMatrixTests(Provider.Postgres);
