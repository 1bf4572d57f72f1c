using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// In the global namespace, like the top-level Program, so Program.cs adds the verbs without a using.

/// <summary>CLI verbs for accounts: `users add`, `users list`, `users reset-password`. The operator has the machine, so
/// acts as the standing agency (<see cref="Actor.Cli"/>) unless <c>--as</c> names an account; the audit log names them so.</summary>
public static class UserCommands
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };

    static Task<int> WithAccounts(ParseResult parse, Func<UserAccounts, Actor, Task<int>> work) => WithAccounts(parse, (_, accounts, actor) => work(accounts, actor));

    internal static async Task<int> WithAccounts(ParseResult parse, Func<ChiSoDb, UserAccounts, Actor, Task<int>> work)
    {
        var config = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection().AddLogging().AddChiSoData(config).AddSingleton(TimeProvider.System).AddScoped<UserAccounts>();
        services.AddChiSoIdentity();
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
        await BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System);
        return await work(db, scope.ServiceProvider.GetRequiredService<UserAccounts>(), await CliActor.ResolveAsync(parse, db));
    }

    static int Refused(UserChange change, string? name)
    {
        if (change.NotFound) { Console.Error.WriteLine($"Không có tài khoản '{name}'."); return 2; }
        Console.Error.WriteLine("Không ghi được:");
        foreach (var e in change.Errors!.SelectMany(e => e.Value)) Console.Error.WriteLine("  " + e);
        return 1;
    }

    public static void Add(RootCommand root)
    {
        var users = new Command("users", "Tài khoản người dùng: thêm, liệt kê, đặt lại mật khẩu.");
        {
            var userName = new Argument<string>("userName") { Description = "Tên đăng nhập" };
            var name = new Option<string>("--name") { Description = "Họ tên hiển thị", Required = true };
            var role = new Option<string[]>("--role") { Description = "Vai trò (nhắc lại để có nhiều): " + string.Join(", ", Roles.All), Required = true };
            var unit = new Option<string?>("--unit") { Description = "Mã hoặc tên đơn vị (bắt buộc với unit-editor, unit-head)" };
            var email = new Option<string?>("--email") { Description = "Thư điện tử (đăng nhập bằng tài khoản một cửa)" };
            var password = new Option<string?>("--password") { Description = "Mật khẩu; bỏ trống thì tạo ngẫu nhiên và in ra" };
            var add = new Command("add", "Thêm tài khoản.") { userName, name, role, unit, email, password };
            add.SetAction(async p => await WithAccounts(p, async (accounts, actor) =>
            {
                var change = await accounts.CreateAsync(new UserCreate(p.GetValue(userName), p.GetValue(name), p.GetValue(email),
                    [.. p.GetValue(role)!], p.GetValue(unit), p.GetValue(password)), actor);
                if (change.User is null) return Refused(change, p.GetValue(userName));
                Console.WriteLine($"Đã tạo tài khoản {change.User.UserName} ({string.Join(", ", change.User.Roles.Select(Roles.Label))}{(change.User.UnitName is { } u ? ", " + u : "")}).");
                if (change.Password is { } pw) Console.WriteLine($"Mật khẩu: {pw}");
                return 0;
            }));
            users.Subcommands.Add(add);
        }
        {
            var json = new Option<bool>("--json") { Description = "In JSON" };
            var list = new Command("list", "Liệt kê tài khoản.") { json };
            list.SetAction(async p => await WithAccounts(p, async (accounts, actor) =>
            {
                var rows = await accounts.ListAsync(actor);
                if (p.GetValue(json)) { Console.WriteLine(JsonSerializer.Serialize(rows, Json)); return 0; }
                foreach (var u in rows)
                    Console.WriteLine($"{u.UserName,-20} {string.Join(",", u.Roles),-28} {u.Unit ?? "",-12} {(u.Active ? "" : "(đã khóa) ")}{u.DisplayName}");
                return 0;
            }));
            users.Subcommands.Add(list);
        }
        {
            var userName = new Argument<string>("userName") { Description = "Tên đăng nhập" };
            var password = new Option<string?>("--password") { Description = "Mật khẩu mới; bỏ trống thì tạo ngẫu nhiên và in ra" };
            var reset = new Command("reset-password", "Đặt lại mật khẩu (và mở khóa do đăng nhập sai).") { userName, password };
            reset.SetAction(async p => await WithAccounts(p, async (accounts, actor) =>
            {
                var change = await accounts.ResetPasswordAsync(p.GetValue(userName)!, p.GetValue(password), actor);
                if (change.User is null) return Refused(change, p.GetValue(userName));
                Console.WriteLine($"Đã đặt lại mật khẩu của {change.User.UserName}.");
                if (change.Password is { } pw) Console.WriteLine($"Mật khẩu: {pw}");
                return 0;
            }));
            users.Subcommands.Add(reset);
        }
        root.Subcommands.Add(users);
    }
}
