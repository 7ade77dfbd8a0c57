namespace MicroAgi.Cli.Repl.Input;

/// <summary>What one key press (or escape sequence) means to the line editor.</summary>
internal enum KeyKind
{
    Text,
    Enter,
    NewLine,
    Backspace,
    Delete,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    WordLeft,
    WordRight,
    KillToStart,
    KillToEnd,
    KillWordBefore,
    KillWordAfter,
    Interrupt,
    EndOfInput,
    Search,
    Cancel,
    Complete,
    ClearScreen,
    PasteStart,
    PasteEnd,
    Ignored,
}

/// <param name="Text">The typed character(s), for <see cref="KeyKind.Text"/>.</param>
internal readonly record struct Key(KeyKind Kind, string Text = "");
