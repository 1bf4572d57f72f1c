using ChiSo.Features.Files;
using Microsoft.AspNetCore.Components.Forms;

namespace ChiSo.Web.Components.Shared;

/// <summary>A file picked in the browser, read over the circuit within the size its import takes: a larger one is refused
/// (<see cref="FileRefused"/>, the message the API gives) before a byte of it is sent.</summary>
public static class BrowserFiles
{
    public static async Task<MemoryStream> ReadAsync(IBrowserFile file, long maxBytes)
    {
        if (file.Size > maxBytes)
            throw FileRefused.TooLarge($"Tệp '{ImportedFiles.FileName(file.Name)}' lớn hơn {maxBytes / (1024 * 1024)} MB.");
        var memory = new MemoryStream((int)file.Size);
        await using (var stream = file.OpenReadStream(maxBytes)) await stream.CopyToAsync(memory);
        memory.Position = 0;
        return memory;
    }
}
