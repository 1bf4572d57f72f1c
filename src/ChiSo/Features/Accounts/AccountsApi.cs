using System.Security.Claims;
using ChiSo.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Accounts;

public sealed record LoginRequest(string? UserName, string? Password);

public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);

/// <summary>The signed-in user as the app sees them.</summary>
public sealed record Me(string UserName, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> RoleLabels, string? Unit, string? UnitName);

public sealed record UserCreated(UserRow User, string? Password);

public static class AccountsApi
{
    public const string WrongPassword = "Sai tên đăng nhập hoặc mật khẩu.";
    public const string LockedOut = "Tài khoản đã bị quản trị khóa. Hãy liên hệ quản trị.";
    public const string TooManyTitle = "Tạm dừng đăng nhập";

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/api/account").WithTags("Accounts");
        account.MapPost("/login", Login).AllowAnonymous().WithMetadata(new StartsSessionAttribute())
            .WithSummary("Đăng nhập bằng tên và mật khẩu: đặt cookie phiên (204), 401, hoặc 429 (Retry-After) khi đã sai quá nhiều lần");
        account.MapPost("/logout", Logout).AllowAnonymous().WithSummary("Đăng xuất: phiên kết thúc trên máy chủ");
        account.MapGet("/me", GetMe).RequireAuthorization(Policies.Staff).WithSummary("Người đang đăng nhập: tên, vai trò, đơn vị");
        account.MapPost("/password", ChangePassword).RequireAuthorization(Policies.Staff)
            .WithSummary("Đổi mật khẩu của mình: kiểm tra mật khẩu hiện tại; các phiên khác của người dùng kết thúc, phiên này vẫn tiếp tục");

        var users = app.MapGroup("/api/users").WithTags("Accounts").RequireAuthorization(Policies.Admin);
        users.MapGet("/", List).WithSummary("Tài khoản người dùng");
        users.MapPost("/", Create).WithSummary("Tạo tài khoản; không gửi mật khẩu thì tạo ngẫu nhiên và trả về một lần");
        users.MapPut("/{id}", Edit).WithSummary("Sửa tên hiển thị, vai trò, đơn vị, khóa hoặc mở khóa (có nhật ký)");
        users.MapPost("/{id}/password", ResetPassword).WithSummary("Đặt lại mật khẩu; không gửi mật khẩu thì tạo ngẫu nhiên và trả về một lần");
        return app;
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Login(LoginRequest request, PasswordSignIn signIn, HttpContext http, CancellationToken ct)
    {
        var outcome = await signIn.SignInAsync(request.UserName, request.Password, http.Connection.RemoteIpAddress, ct);
        if (outcome.Refused is { } refused) return TooMany(http, refused);
        return outcome.Succeeded ? TypedResults.NoContent() : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: WrongPassword,
            detail: "Nếu chắc chắn mật khẩu đúng, có thể tài khoản đã bị quản trị khóa: hãy liên hệ quản trị.");
    }

    static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePassword(PasswordChange request, PasswordSignIn signIn,
        HttpContext http, CancellationToken ct)
    {
        var outcome = await signIn.ChangePasswordAsync(http.User, request.CurrentPassword, request.NewPassword, http.Connection.RemoteIpAddress, ct);
        if (outcome.Refused is { } refused) return TooMany(http, refused);
        return outcome.Errors is { } errors ? TypedResults.ValidationProblem(errors, title: "Chưa đổi mật khẩu.") : TypedResults.NoContent();
    }

    /// <summary>A limit reached: 429 with Retry-After; pages set the same status and header.</summary>
    public static ProblemHttpResult TooMany(HttpContext http, LoginRefusal refused)
    {
        MarkTooMany(http.Response, refused);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: TooManyTitle, detail: refused.Message);
    }

    public static void MarkTooMany(HttpResponse response, LoginRefusal refused)
    {
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = refused.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    static async Task<NoContent> Logout(SignInManager<ChiSoUser> signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }

    static async Task<Ok<Me>> GetMe(HttpContext http, ChiSoDb db, CancellationToken ct)
    {
        var actor = Actor.From(http.User);
        var unit = actor.UnitId is { } id ? await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct) : null;
        var roles = Roles.All.Where(actor.Is).ToList();
        var login = http.User.Identity!.Name!;
        return TypedResults.Ok(new Me(login, http.User.FindFirstValue(ChiSoClaims.DisplayName) ?? login, roles, roles.Select(Roles.Label).ToList(), unit?.Code, unit?.Name));
    }

    static Task<List<UserRow>> List(UserAccounts accounts, HttpContext http, CancellationToken ct) => accounts.ListAsync(Actor.From(http.User), ct);

    const string Refused = "Dữ liệu không hợp lệ, không có gì được ghi.";

    static async Task<Results<Created<UserCreated>, ValidationProblem>> Create(UserCreate request, UserAccounts accounts, HttpContext http, CancellationToken ct)
    {
        var change = await accounts.CreateAsync(request, Actor.From(http.User), ct);
        return change.Errors is { } errors ? TypedResults.ValidationProblem(errors, title: Refused)
            : TypedResults.Created($"/api/users/{change.User!.Id}", new UserCreated(change.User, change.Password));
    }

    static async Task<Results<Ok<UserRow>, NotFound, ValidationProblem>> Edit(string id, UserEdit edit, UserAccounts accounts, HttpContext http, CancellationToken ct)
    {
        var change = await accounts.EditAsync(id, edit, Actor.From(http.User), ct);
        if (change.NotFound) return TypedResults.NotFound();
        return change.Errors is { } errors ? TypedResults.ValidationProblem(errors, title: Refused) : TypedResults.Ok(change.User!);
    }

    static async Task<Results<Ok<UserCreated>, NotFound, ValidationProblem>> ResetPassword(string id, PasswordReset? request, UserAccounts accounts,
        HttpContext http, CancellationToken ct)
    {
        var change = await accounts.ResetPasswordAsync(id, request?.Password, Actor.From(http.User), ct);
        if (change.NotFound) return TypedResults.NotFound();
        return change.Errors is { } errors ? TypedResults.ValidationProblem(errors, title: Refused) : TypedResults.Ok(new UserCreated(change.User!, change.Password));
    }
}
