using System.CommandLine;
using ChiSo.Data;
using ChiSo.Features.Accounts;

// In the global namespace, like the other verbs.

/// <summary>Who a CLI verb acts as: the operator, who has the machine and so acts as the standing agency
/// (<see cref="Actor.Cli"/>), or with <c>--as user</c> that account, whose roles and unit then apply as on the web. The
/// services decide what either may do; a refusal ends the verb with exit code 3.</summary>
public static class CliActor
{
    /// <summary>On the root and every verb below it.</summary>
    public static readonly Option<string?> As = new("--as")
    {
        Description = "Thực hiện với tư cách tài khoản này (mặc định: người vận hành, tức cơ quan thường trực)",
        Recursive = true,
    };

    public static async Task<Actor> ResolveAsync(ParseResult parse, ChiSoDb db, CancellationToken ct = default) =>
        parse.GetValue(As) is { } name
            ? await Actor.LoadAsync(db, name, ct) ?? throw new AccessDenied($"Không có tài khoản '{name}'.")
            : Actor.Cli();
}
