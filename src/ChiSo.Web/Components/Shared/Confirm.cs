using MudBlazor;

namespace ChiSo.Web.Components.Shared;

/// <summary>Asks with <see cref="ConfirmDialog"/> before an irreversible step; true only on the named button.</summary>
public static class Confirm
{
    public static async Task<bool> AskAsync(this IDialogService dialogs, string title, string message, string yesText, bool irreversible = true)
    {
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Title, title }, { d => d.Message, message }, { d => d.YesText, yesText }, { d => d.Irreversible, irreversible },
        };
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        return result is { Canceled: false };
    }
}
