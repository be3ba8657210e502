"""What a sync problem means to the person at the laptop, in their language.

The sync engine (``sync/``) names each problem with a short stable code; the window and
the ``companion sync`` command show these sentences. They live in the core because the
translation catalog is extracted from ``companion/`` and ``ui/``, and both the command
line (no Qt) and the window need them. No HTTP here: codes in, sentences out.
"""

from __future__ import annotations

from companion.i18n import N_, translated

# code -> (what happened, what to do)
_PROBLEMS: dict[str, tuple[str, str]] = {
    "wrong-password": (
        N_("The user name or password is wrong."),
        N_("Check both (capital letters count) and try again. Your administrator can set a new password."),
    ),
    "too-many-attempts": (
        N_("Too many failed sign-ins for this name."),
        N_("Wait a quarter of an hour, then try again with the right password."),
    ),
    "signed-out": (
        N_("This laptop is no longer signed in to the server."),
        N_("Sign in again. Your edits are kept on this laptop until then."),
    ),
    "not-signed-in": (
        N_("This laptop is not signed in to a sync server."),
        N_("Sign in with the server address, your user name and your password."),
    ),
    "unreachable": (
        N_("The server cannot be reached."),
        N_("Check the network connection and the server address. Your edits are kept and will be sent later."),
    ),
    "captive-portal": (
        N_("The network answered instead of the server (a Wi-Fi sign-in page or a proxy)."),
        N_("Open a web browser to sign in to the network, then sync again."),
    ),
    "server-too-old": (
        N_("The server runs an older version of the Companion than this laptop."),
        N_("Ask the server's administrator to update it."),
    ),
    "server-too-new": (
        N_("The server runs a newer version of the Companion than this laptop."),
        N_("Update the Companion on this laptop."),
    ),
    "clock-ahead": (
        N_("This laptop's clock is far off, so the server refused some edits."),
        N_("Set the laptop's date and time correctly, then sync again."),
    ),
    "disk-full": (
        N_("This laptop's disk is full."),
        N_("Free some space (empty the recycle bin, remove large files), then sync again."),
    ),
    "server-error": (
        N_("The server had a problem and could not finish."),
        N_("Try again later. If it keeps happening, tell the server's administrator."),
    ),
    "forbidden": (
        N_("You may read this workspace but not change it."),
        N_("Ask a workspace administrator for the member role to share your edits."),
    ),
    "refused": (
        N_("The server refused some edits."),
        N_("Open the sync details to see which ones and why."),
    ),
    "disagree": (
        N_("After the sync, this laptop and the server still differ."),
        N_("Sync again. If it keeps happening, tell the server's administrator."),
    ),
    "cancelled": (
        N_("The sync was stopped."),
        N_("Everything received so far is kept; the next sync continues from there."),
    ),
    "bad-address": (
        N_("That is not a server address."),
        N_("Type the address your administrator gave you, for example https://sync.example.org."),
    ),
}


def known_problem(code: str) -> bool:
    return code in _PROBLEMS


def describe(code: str) -> tuple[str, str]:
    """(what happened, what to do) for a problem code, translated; unknown codes read as a server error."""
    title, advice = _PROBLEMS.get(code, _PROBLEMS["server-error"])
    return translated(title), translated(advice)
