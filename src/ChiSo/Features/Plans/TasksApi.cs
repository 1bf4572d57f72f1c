using ChiSo.Features.Files;
using ChiSo.Features.Accounts;
using System.Globalization;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Frameworks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Plans;

/// <summary>Tasks, progress, accountability, reminders and deadline calendars. Every read takes an optional
/// <c>asOf</c> (yyyy-mm-dd, default today in Hà Nội) so that any past day can be replayed.</summary>
public static class TasksApi
{
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/tasks").WithTags("Tasks").RequireAuthorization(Policies.Staff);
        g.MapGet("/", List).WithSummary("Danh sách nhiệm vụ với tình trạng tính đến một ngày (lọc theo kế hoạch, đơn vị, quá hạn, nguy cơ chậm, tiêu chí, tình trạng)");
        g.MapGet("/{id:int}", Get).WithSummary("Một nhiệm vụ: tình trạng của từng đơn vị, các kỳ (nhiệm vụ định kỳ) và lịch sử báo cáo");
        g.MapGet("/{id:int}/view", View).WithSummary("Trang của một nhiệm vụ: kế hoạch và mục, tiêu chí với tên và điểm, báo cáo, bình luận và lịch sử thay đổi");
        g.MapGet("/{id:int}/comments", Comments).WithSummary("Bình luận về một nhiệm vụ");
        g.MapPost("/{id:int}/comments", Comment).WithSummary("Thêm bình luận về một nhiệm vụ (ai đọc được nhiệm vụ thì bình luận được)");
        g.MapPost("/{id:int}/progress", FileProgress).DisableAntiforgery()
            .Accepts<ProgressFiling>("multipart/form-data", "application/json")
            .WithSummary("Báo cáo tiến độ (multipart kèm tệp minh chứng, mỗi tệp tối đa 20 MB, cả lần gửi tối đa 50 MB; hoặc JSON); vai trò suy ra từ nhiệm vụ")
            .RequireAuthorization(Policies.Filing).AcceptsUpTo(TaskBoardProgress.MaxFilingBytes);
        g.MapGet("/{id:int}/evidence/{fileId:int}", Evidence).WithSummary("Tải tệp minh chứng của một báo cáo tiến độ");

        var other = app.MapGroup("/api").WithTags("Tasks").RequireAuthorization(Policies.Staff);
        other.MapGet("/accountability", Accountability).WithSummary("Trách nhiệm theo đơn vị và danh sách thủ trưởng chịu trách nhiệm, tính đến một ngày");
        other.MapGet("/tasks.xlsx", TasksXlsx).WithSummary("Xuất danh sách nhiệm vụ (cùng bộ lọc với /api/tasks) ra Excel");
        other.MapGet("/accountability.xlsx", AccountabilityXlsx).WithSummary("Xuất trách nhiệm theo đơn vị ra Excel");
        other.MapGet("/handovers", Waiting).WithSummary("Phần việc của đơn vị đã kết thúc đang chờ cơ quan thường trực giao (không có đúng một đơn vị kế thừa), tính đến một ngày");
        other.MapPost("/handovers", Assign).WithSummary("Giao phần việc đang chờ của một đơn vị đã kết thúc cho một đơn vị đang tồn tại (ghi nhật ký)")
            .RequireAuthorization(Policies.Admin);
        other.MapPost("/handovers/batch", AssignBatch).WithSummary("Giao nhiều phần việc đang chờ một lần, mỗi phần việc cho đơn vị được chọn: tất cả hoặc không phần việc nào (mỗi phần việc một dòng nhật ký)")
            .RequireAuthorization(Policies.Admin);
        other.MapPost("/handovers/all", AssignAll).WithSummary("Giao mọi phần việc đang chờ của một đơn vị đã kết thúc cho một đơn vị kế thừa: tất cả hoặc không phần việc nào")
            .RequireAuthorization(Policies.Admin);
        other.MapGet("/notifications", Notifications).WithSummary("Thông báo của một đơn vị: nhắc hạn trước 7, 3, 1 ngày và nhiệm vụ quá hạn");
        other.MapGet("/agencies/{code}/calendar.ics", Calendar)
            .WithSummary("Lịch hạn nhiệm vụ của một đơn vị (iCal): cho người đã đăng nhập, hoặc cho ứng dụng lịch với khoá k của địa chỉ đăng ký")
            .AllowAnonymous();
        return app;
    }

    static Dictionary<string, string[]> Invalid(string field, string message) => new() { [field] = [message] };

    /// <summary>yyyy-mm-dd (or dd/mm/yyyy); none means today in Hà Nội.</summary>
    static bool TryAsOf(string? text, TimeProvider clock, out DateOnly asOf)
    {
        asOf = TaskBoard.Today(clock);
        return string.IsNullOrWhiteSpace(text)
            || ViText.TryParseDate(text.Trim(), out asOf);
    }

    const string BadDate = "Ngày phải có dạng yyyy-mm-dd, ví dụ 2024-06-30.";

    static async Task<Results<Ok<List<WaitingShare>>, ValidationProblem>> Waiting(string? asOf, ChiSoDb db, TimeProvider clock, CancellationToken ct) =>
        TryAsOf(asOf, clock, out var day) ? TypedResults.Ok(await TaskHandovers.WaitingAsync(db, day, ct)) : TypedResults.ValidationProblem(Invalid("asOf", BadDate));

    /// <summary>What the standing agency decides for waiting shares: whose (<see cref="From"/>), which tasks, to whom.</summary>
    public sealed record Assignment(string From, string To, List<int> Tasks, string? Note);

    static async Task<Results<NoContent, ValidationProblem>> Assign(Assignment body, ChiSoDb db, HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        if (body.Tasks is not { Count: > 0 }) return TypedResults.ValidationProblem(Invalid("tasks", "Chọn ít nhất một nhiệm vụ."));
        var problems = await TaskHandovers.AssignAsync(db, [.. body.Tasks.Select(t => new ShareAssignment(t, body.From ?? "", body.To ?? ""))], body.Note,
            Actor.From(http.User), clock, ct);
        return problems is null ? TypedResults.NoContent() : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["handover"] = [.. problems] });
    }

    /// <summary>Several waiting shares, each with the unit chosen for it.</summary>
    public sealed record Batch(List<ShareAssignment>? Shares, string? Note);

    /// <summary>How many shares were assigned.</summary>
    public sealed record Assigned(int Count);

    static async Task<Results<Ok<Assigned>, ValidationProblem>> AssignBatch(Batch body, ChiSoDb db, HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        var shares = body.Shares ?? [];
        var problems = await TaskHandovers.AssignAsync(db, shares, body.Note, Actor.From(http.User), clock, ct);
        return problems is null ? TypedResults.Ok(new Assigned(shares.Count)) : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["shares"] = [.. problems] });
    }

    /// <summary>Every share waiting at <see cref="From"/> to <see cref="To"/>.</summary>
    public sealed record AllAt(string? From, string? To, string? Note);

    static async Task<Results<Ok<Assigned>, ValidationProblem>> AssignAll(AllAt body, ChiSoDb db, HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        var (count, problems) = await TaskHandovers.AssignAllAtAsync(db, body.From ?? "", body.To ?? "", body.Note, Actor.From(http.User), clock, ct);
        return problems is null ? TypedResults.Ok(new Assigned(count)) : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["handover"] = [.. problems] });
    }

    static async Task<Results<Ok<List<TaskRow>>, NotFound<string>, ValidationProblem>> List(
        int? planId, string? plan, int? year, string? unit, string? asOf, bool? overdue, bool? atRisk, string? criterion, string? status,
        string? q, ChiSoDb db, TimeProvider clock, CancellationToken ct)
    {
        if (!TryAsOf(asOf, clock, out var day)) return TypedResults.ValidationProblem(Invalid("asOf", BadDate));
        ProgressStatus? s = null;
        if (status is { Length: > 0 } && (s = TaskBoardProgress.ParseStatus(status)) is null)
            return TypedResults.ValidationProblem(Invalid("status", "Tình trạng phải là NotStarted, InProgress, Done hoặc Blocked."));
        var rows = await TaskBoardQueries.ListAsync(db, new TaskFilter(planId, plan, year, unit, overdue, atRisk, criterion, s, q), day, ct);
        return rows is null
            ? TypedResults.NotFound(plan is not null ? $"Không có kế hoạch {plan}{(year is null ? "" : $" năm {year}")}." : $"Không có đơn vị mã '{unit}'.")
            : TypedResults.Ok(rows);
    }

    static async Task<Results<FileContentHttpResult, NotFound<string>, ValidationProblem>> TasksXlsx(
        int? planId, string? plan, int? year, string? unit, string? asOf, bool? overdue, bool? atRisk, string? criterion, string? status,
        string? q, ChiSoDb db, TimeProvider clock, CancellationToken ct)
    {
        var listed = await List(planId, plan, year, unit, asOf, overdue, atRisk, criterion, status, q, db, clock, ct);
        if (listed.Result is not Ok<List<TaskRow>> { Value: { } rows }) return listed.Result switch
        {
            NotFound<string> n => n,
            ValidationProblem v => v,
            _ => throw new InvalidOperationException(),
        };
        using var stream = new MemoryStream();
        TaskExport.WriteExcel(rows, stream);
        return TypedResults.File(stream.ToArray(), TaskBoardAccountability.Xlsx, $"nhiem-vu-{(TryAsOf(asOf, clock, out var d) ? d : default):yyyy-MM-dd}.xlsx");
    }

    static async Task<Results<Ok<TaskDetail>, NotFound, ValidationProblem>> Get(int id, string? asOf, ChiSoDb db, TimeProvider clock, CancellationToken ct)
    {
        if (!TryAsOf(asOf, clock, out var day)) return TypedResults.ValidationProblem(Invalid("asOf", BadDate));
        return await TaskBoardQueries.DetailAsync(db, id, day, ct) is { } d ? TypedResults.Ok(d) : TypedResults.NotFound();
    }

    static async Task<Results<Ok<TaskView>, NotFound, ValidationProblem>> View(int id, string? asOf, ChiSoDb db, HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        if (!TryAsOf(asOf, clock, out var day)) return TypedResults.ValidationProblem(Invalid("asOf", BadDate));
        return await TaskViews.ViewAsync(db, id, day, Actor.From(http.User), ct) is { } v ? TypedResults.Ok(v) : TypedResults.NotFound();
    }

    static async Task<Results<Ok<List<CommentEntry>>, NotFound>> Comments(int id, ChiSoDb db, HttpContext http, CancellationToken ct) =>
        await db.PlanTasks.AnyAsync(t => t.Id == id, ct) ? TypedResults.Ok(await TaskComments.ListAsync(db, id, Actor.From(http.User), ct)) : TypedResults.NotFound();

    /// <summary>A comment as posted: its text.</summary>
    public sealed record NewComment(string? Text);

    static async Task<Results<Created<CommentEntry>, NotFound, ValidationProblem>> Comment(int id, NewComment body, ChiSoDb db, HttpContext http,
        TimeProvider clock, CancellationToken ct)
    {
        var result = await TaskComments.AddAsync(db, id, body.Text, Actor.From(http.User), clock, ct);
        return result.Outcome switch
        {
            CommentOutcome.NotFound => TypedResults.NotFound(),
            CommentOutcome.Invalid => TypedResults.ValidationProblem(Invalid("text", result.Error!)),
            _ => TypedResults.Created($"/api/tasks/{id}/comments", result.Comment!),
        };
    }

    static async Task<Results<Created<ProgressEntry>, NotFound, ValidationProblem, ProblemHttpResult>> FileProgress(
        int id, HttpRequest request, ChiSoDb db, TimeProvider clock, CancellationToken ct)
    {
        ProgressFiling filing;
        var files = new List<EvidenceUpload>();
        if (request.HasFormContentType)
        {
            var form = await Uploads.ReadFormAsync(request, ct);
            var errors = new Dictionary<string, string[]>();
            int? percent = null;
            if (form["percent"].ToString() is { Length: > 0 } p)
            {
                if (int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) percent = v;
                else errors["percent"] = ["Tỷ lệ hoàn thành phải là số nguyên từ 0 đến 100."];
            }
            DateOnly? Date(string field)
            {
                if (form[field].ToString() is not { Length: > 0 } t) return null;
                if (TryAsOf(t, clock, out var d)) return d;
                errors[field] = [BadDate];
                return null;
            }
            filing = new ProgressFiling(form["unit"], form["status"], percent, form["text"], Date("date"), Date("occurrence"));
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            foreach (var f in form.Files)
            {
                // Refused without reading: the size is known from the multipart headers.
                if (f.Length > TaskBoardProgress.MaxFileBytes) throw UploadedFiles.TooLarge(f.FileName);
                await using var stream = f.OpenReadStream();
                files.Add(await EvidenceUpload.ReadAsync(f.FileName, stream, ct));
            }
        }
        else
        {
            try
            {
                filing = await request.ReadFromJsonAsync<ProgressFiling>(ct)
                    ?? throw new JsonException();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                return TypedResults.ValidationProblem(Invalid("body",
                    "Nội dung gửi lên phải là multipart/form-data hoặc JSON: {unit, status, percent, text, date, occurrence}."));
            }
        }
        var result = await TaskBoardProgress.FileAsync(db, id, filing, files, Actor.From(request.HttpContext.User), clock, ct);
        return result.Outcome switch
        {
            FilingOutcome.NotFound => TypedResults.NotFound(),
            FilingOutcome.Invalid => TypedResults.ValidationProblem(result.Errors!, title: "Báo cáo tiến độ chưa hợp lệ, chưa ghi gì."),
            FilingOutcome.NotOnTask => TypedResults.Problem(result.Detail, statusCode: StatusCodes.Status403Forbidden,
                title: "Đơn vị không được giao nhiệm vụ này"),
            _ => TypedResults.Created($"/api/tasks/{id}", result.Entry!),
        };
    }

    static async Task<Results<FileContentHttpResult, NotFound>> Evidence(int id, int fileId, int? update, string? name, ChiSoDb db, CancellationToken ct)
    {
        // Only a file that one of this task's updates cites: evidence ids are not a way to browse every upload.
        var cited = (await db.ProgressUpdates.AsNoTracking().Where(p => p.TaskId == id).OrderBy(p => p.Id).ToListAsync(ct))
            .Where(p => p.EvidenceFileIds.Contains(fileId)).ToList();
        if (cited.Count == 0) return TypedResults.NotFound();
        var file = await db.Files.AsNoTracking().FirstOrDefaultAsync(f => f.Id == fileId, ct);
        if (file is null) return TypedResults.NotFound();
        // The name the citing update gave it (the one asked for, when that update gave it; else the update's first).
        var given = cited.Where(p => update is null || p.Id == update)
            .SelectMany(p => p.NamedFiles())
            .Where(x => x.Id == fileId && x.Name is not null).Select(x => x.Name!).ToList();
        return TypedResults.File(file.Content, file.ContentType, given.FirstOrDefault(n => n == name) ?? given.FirstOrDefault() ?? file.Name);
    }

    static async Task<Results<Ok<AccountabilityReport>, ValidationProblem>> Accountability(string? asOf, int? planId, ChiSoDb db, TimeProvider clock, CancellationToken ct)
    {
        if (!TryAsOf(asOf, clock, out var day)) return TypedResults.ValidationProblem(Invalid("asOf", BadDate));
        return TypedResults.Ok(await TaskBoardAccountability.BuildAsync(db, day, planId, ct));
    }

    static async Task<Results<FileContentHttpResult, ValidationProblem>> AccountabilityXlsx(string? asOf, int? planId, ChiSoDb db, TimeProvider clock, CancellationToken ct)
    {
        if (!TryAsOf(asOf, clock, out var day)) return TypedResults.ValidationProblem(Invalid("asOf", BadDate));
        var report = await TaskBoardAccountability.BuildAsync(db, day, planId, ct);
        using var stream = new MemoryStream();
        TaskBoardAccountability.WriteExcel(report, stream);
        return TypedResults.File(stream.ToArray(), TaskBoardAccountability.Xlsx, $"trach-nhiem-{day:yyyy-MM-dd}.xlsx");
    }

    static async Task<Results<Ok<List<Notification>>, NotFound<string>, ValidationProblem>> Notifications(string? unit, string? asOf,
        ChiSoDb db, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(unit)) return TypedResults.ValidationProblem(Invalid("unit", "Cần mã đơn vị (unit)."));
        if (!TryAsOf(asOf, clock, out var day)) return TypedResults.ValidationProblem(Invalid("asOf", BadDate));
        return await Reminders.ForUnitAsync(db, unit, day, ct) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound($"Không có đơn vị mã '{unit}'.");
    }

    static async Task<Results<ContentHttpResult, NotFound, UnauthorizedHttpResult>> Calendar(string code, string? k, ChiSoDb db, TimeProvider clock,
        HttpContext http, IAuthorizationService authorization, IDataProtectionProvider protection, CancellationToken ct)
    {
        // The subscription address's key, or a signed-in member of staff (the page's own link).
        if (!TaskBoardCalendar.IsFeedKey(protection, code, k) && !(await authorization.AuthorizeAsync(http.User, Policies.Staff)).Succeeded)
            return TypedResults.Unauthorized();
        var feed = await TaskBoardCalendar.FeedAsync(db, code, clock, ct);
        return feed is { } f ? TypedResults.Text(f.Ics, TaskBoardCalendar.ContentType) : TypedResults.NotFound();
    }
}
