using System.Reflection;
using ChiSo.Features.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;

namespace ChiSo.Tests.Accounts;

/// <summary>Every routable page says who may open it: a policy, or an explicit anonymous mark. A page without either would
/// fall to whatever the router does by default; the framework editor was such a page. What a page's buttons may do is
/// still decided by the services (<see cref="ActionMatrixTests"/>); this is the first wall.</summary>
public sealed class PagePolicyTests
{
    static List<Type> Pages() => typeof(ChiSo.Web.Components.App).Assembly.GetTypes()
        .Where(t => typeof(IComponent).IsAssignableFrom(t) && t.GetCustomAttributes<RouteAttribute>().Any()).ToList();

    [Fact]
    public void Every_routable_page_declares_a_policy_or_anonymous()
    {
        var pages = Pages();
        Assert.True(pages.Count > 30, $"{pages.Count} pages found");
        var open = pages.Where(p => p.GetCustomAttribute<AuthorizeAttribute>(inherit: true) is null && p.GetCustomAttribute<AllowAnonymousAttribute>(inherit: true) is null)
            .Select(p => $"{p.Name} ({string.Join(", ", p.GetCustomAttributes<RouteAttribute>().Select(r => r.Template))})").ToList();
        Assert.True(open.Count == 0, "Pages with no policy: " + string.Join("; ", open));
    }

    [Fact]
    public void Policies_named_by_pages_exist()
    {
        var known = Policies.RolesOf.Keys.Append(Policies.Staff).ToHashSet();
        var unknown = Pages().Select(p => p.GetCustomAttribute<AuthorizeAttribute>(inherit: true)?.Policy).OfType<string>().Where(p => !known.Contains(p)).ToList();
        Assert.Empty(unknown);
    }

    [Fact]
    public void Anonymous_pages_are_the_public_ones()
    {
        // The login, the public survey form and its messages, the published rankings, and the error pages: nothing else.
        var anonymous = Pages().Where(p => p.GetCustomAttribute<AllowAnonymousAttribute>(inherit: true) is not null)
            .SelectMany(p => p.GetCustomAttributes<RouteAttribute>().Select(r => r.Template)).Order(StringComparer.Ordinal).ToList();
        var allowed = new[] { "/dang-nhap", "/khao-sat", "/xep-hang", "/Error", "/not-found", "/khong-co-quyen" };
        Assert.All(anonymous, t => Assert.Contains(allowed, a => t.StartsWith(a, StringComparison.Ordinal)));
    }
}
