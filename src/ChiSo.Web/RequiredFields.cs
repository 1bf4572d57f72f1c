using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace ChiSo.Web;

/// <summary>A request body that leaves out, or sends null for, what its type declares non-nullable (a name, a list, a list's
/// element) is refused with 400 before it reaches a service that trusts the declaration; without this such a body became a
/// NullReferenceException and a 500 deep in an importer. The check reads the C# nullable annotations of the request
/// types, so adding a field needs nothing here. The JSON reader is not asked to do it (RespectNullableAnnotations): it would
/// also throw while writing any answer with an unexpected null, and it does not look inside lists.</summary>
public static class RequiredFields
{
    sealed record Field(PropertyInfo Property, string Name, bool Required, bool ElementsRequired, bool Walk);

    static readonly ConcurrentDictionary<Type, Field[]> Fields = new();

    /// <summary>Adds the check to every endpoint of the group whose handler takes a JSON body of one of ChiSo's types.</summary>
    public static TBuilder CheckRequiredFields<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((context, next) =>
        {
            // The body is the handler's one parameter of a ChiSo type that is not a service.
            var services = context.ApplicationServices.GetRequiredService<IServiceProviderIsService>();
            var index = Array.FindIndex(context.MethodInfo.GetParameters(), p => Ours(p.ParameterType) && !services.IsService(p.ParameterType));
            if (index < 0) return next;
            return async invocation => FirstMissing(invocation.Arguments[index], "$", 0) is { } path
                ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { [path] = ["Thiếu giá trị bắt buộc."] },
                    detail: $"Nội dung gửi lên thiếu giá trị bắt buộc tại {path}.")
                : await next(invocation);
        });

    static bool Ours(Type t) => t.Assembly.GetName().Name?.StartsWith("ChiSo", StringComparison.Ordinal) == true && !t.IsEnum;

    /// <summary>The JSON path of the first required value that is null, or null when there is none.</summary>
    static string? FirstMissing(object? value, string path, int depth)
    {
        if (value is null || depth > 16) return null;
        foreach (var f in Fields.GetOrAdd(value.GetType(), Describe))
        {
            var v = f.Property.GetValue(value);
            var at = path + "." + f.Name;
            if (v is null)
            {
                if (f.Required) return at;
                continue;
            }
            if (!f.Walk) continue;
            if (v is IEnumerable items and not string)
            {
                var i = 0;
                foreach (var item in items)
                {
                    var missing = item is null ? f.ElementsRequired ? $"{at}[{i}]" : null
                        : Ours(item.GetType()) ? FirstMissing(item, $"{at}[{i}]", depth + 1) : null;
                    if (missing is not null) return missing;
                    i++;
                }
            }
            else if (FirstMissing(v, at, depth + 1) is { } inner) return inner;
        }
        return null;
    }

    static Field[] Describe(Type t)
    {
        if (!Ours(t)) return [];
        var nullability = new NullabilityInfoContext();
        return [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.CanRead && p.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), true).Length == 0)
            .Select(p =>
            {
                var info = nullability.Create(p);
                var element = Element(p.PropertyType);
                var elementInfo = element is null ? null : p.PropertyType.IsArray ? info.ElementType : info.GenericTypeArguments.FirstOrDefault();
                return new Field(p, JsonNamingPolicy.CamelCase.ConvertName(p.Name),
                    Required: !p.PropertyType.IsValueType && info.ReadState == NullabilityState.NotNull,
                    ElementsRequired: element is { IsValueType: false } && elementInfo?.ReadState == NullabilityState.NotNull,
                    // Into our own types and lists of reference types; a dictionary's pairs and a list of numbers hold no nulls.
                    Walk: p.PropertyType != typeof(string) && (element is null ? Ours(p.PropertyType) : !element.IsValueType));
            })];
    }

    static Type? Element(Type t) =>
        t == typeof(string) ? null
        : t.IsArray ? t.GetElementType()
        : t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
}
