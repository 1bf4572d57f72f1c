using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>Choosing a file as a person would: only once the page can take it. Blazor's InputFile listens for the
/// input's change from a script that runs after the component is drawn (and again for an input drawn anew); a file set
/// before that is lost, and the page never names it. The script marks the input it has taken
/// (<c>_blazorInputFileNextFileId</c>), so wait for that mark, then set the file.</summary>
static class FileChoice
{
    public static async Task ChooseAsync(ILocator target, params FilePayload[] files)
    {
        await ReadyAsync(target);
        await target.SetInputFilesAsync(files);
    }

    public static async Task ChooseAsync(ILocator target, string path)
    {
        await ReadyAsync(target);
        await target.SetInputFilesAsync(path);
    }

    /// <summary><paramref name="target"/> is the input or the drop area (a label) that holds it.</summary>
    static async Task ReadyAsync(ILocator target) =>
        await target.Page.WaitForFunctionAsync(
            "el => { const input = el.matches('input[type=file]') ? el : el.querySelector('input[type=file]');"
            + " return !!input && input._blazorInputFileNextFileId !== undefined; }",
            await target.ElementHandleAsync(), new() { Timeout = 15_000 });
}
