"""``companion sign-in | sign-out | sync | bundle export | bundle import``: sync without a window.

For scripts and support staff. Problems are printed as the window shows them (what happened,
what to do, in the user's language) on standard error, with exit status 1; 0 means done, and
for ``companion sync`` that this laptop and the server hold the same state.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from companion.config import Paths


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from companion import i18n
    from companion.records import LocalReplica
    from companion.session import open_data

    paths = Paths.resolve(getattr(args, "data_dir", None))
    data = open_data(paths)
    language = getattr(args, "language", None) or data.library.setting("language") or _system_language()
    i18n.set_language(language)
    return data, LocalReplica(data.library.engine, paths.blobs_dir)


def _system_language() -> str:
    import locale

    return (locale.getlocale()[0] or "en")


def _problem(code: str, detail: str = "") -> int:
    from companion.sync_problems import describe

    title, advice = describe(code)
    print(f"companion: {title}\n  {advice}", file=sys.stderr)
    if detail:
        print(f"  ({detail})", file=sys.stderr)
    return 1


def run_command(args: argparse.Namespace) -> int:
    from companion.storage.migrate import MigrationError

    try:
        data, replica = _open(args)
    except MigrationError as error:
        print(f"companion: your data could not be opened: {error}", file=sys.stderr)
        return 1
    try:
        handler = {"sign-in": _sign_in, "sign-out": _sign_out, "sync": _sync, "bundle": _bundle}[args.command]
        return handler(args, data.paths, replica)
    except OSError as error:
        from sync.engine import _is_disk_full

        return _problem("disk-full" if _is_disk_full(error) else "server-error", str(error))
    finally:
        data.close()


def _sign_in(args: argparse.Namespace, paths: Paths, replica: Any) -> int:
    from sync.credentials import SignInError, set_teams, sign_in

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("companion: no password on standard input", file=sys.stderr)
        return 2
    try:
        answer = sign_in(replica, paths.data_dir, args.url, args.username, password)
    except SignInError as error:
        return _problem(error.code, error.detail)
    personal = f"personal-{answer.user.id}"
    replica.adopt(None, personal)  # bookmarks and reading positions made before signing in follow the person
    teams = {info.id for info in answer.workspaces if info.kind == "team"}
    unknown = [team for team in args.team if team not in teams]
    if unknown:
        print(f"companion: not a team workspace of {answer.user.username}: {', '.join(unknown)}", file=sys.stderr)
        return 1
    set_teams(replica, args.team)
    print(f"signed in to {args.url} as {answer.user.username}")
    for info in answer.workspaces:
        kept = info.kind != "team" or info.id in args.team
        print(f"  {'*' if kept else ' '} {info.id}\t{info.kind}\t{info.role}\t{info.name}")
    return 0


def _sign_out(args: argparse.Namespace, paths: Paths, replica: Any) -> int:
    from sync.credentials import current_account, sign_out

    account = current_account(replica, paths.data_dir)
    if account is None:
        print("not signed in")
        return 0
    revoked = sign_out(replica, paths.data_dir)
    print(f"signed out of {account.server_url}" + ("" if revoked else " (the server could not be reached: the "
                                                        "sign-in is forgotten here; ask the administrator to revoke it)"))
    return 0


def _sync(args: argparse.Namespace, paths: Paths, replica: Any) -> int:
    from sync.credentials import chosen_teams, current_account
    from sync.engine import SyncEngine, SyncError

    account = current_account(replica, paths.data_dir)
    if account is None:
        return _problem("not-signed-in")
    engine = SyncEngine(replica, account.server_url, account.token, teams=chosen_teams(replica))
    try:
        report = engine.sync(verify=True)
    except SyncError as error:
        return _problem(error.code, error.detail)
    finally:
        engine.close()
    if not args.quiet:
        for workspace, item in report.workspaces.items():
            print(f"{workspace}: {item.pushed} sent, {item.pulled} received, {item.conflicts} conflicts, "
                  f"{item.blobs_up + item.blobs_down} files; same as the server")
        if report.nothing_new:
            print("nothing new; same as the server")
    return 0


def _bundle(args: argparse.Namespace, paths: Paths, replica: Any) -> int:
    from sync.bundle import BundleError, apply_import, export_workspace, preview_import
    from sync.credentials import current_account

    target = Path(args.file).expanduser()
    if args.bundle_action == "export":
        account = current_account(replica, paths.data_dir)
        try:
            report = export_workspace(replica, args.workspace, target, args.project,
                                      created_by=account.username if account else replica.device_id)
        except BundleError as error:
            print(f"companion: {error.message}", file=sys.stderr)
            return 1
        if report.changes == 0:
            target.unlink()
            print(f"companion: nothing to export: no records in {args.workspace!r}"
                  + (f" for project {args.project}" if args.project else ""), file=sys.stderr)
            return 1
        print(f"{target}: {report.changes} records, {report.blobs} files, {report.size} bytes")
        if report.missing_blobs:
            print(f"  {len(report.missing_blobs)} referenced files are not on this laptop and were not included")
        return 0
    try:
        preview = preview_import(replica, target)
    except BundleError as error:
        print(f"companion: {target.name} refused, nothing changed: {error.message}", file=sys.stderr)
        return 1
    bundle, applied = preview.bundle, preview.applied
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(applied.by_type.items())) or "nothing new"
    print(f"{target.name}: workspace {bundle.workspace}, made by {bundle.created_by or '?'} on {bundle.created_at}")
    print(f"  {applied.records} records new or changed ({kinds}); {applied.conflicts} conflicts; "
          f"{applied.duplicates} already here; {preview.new_blobs} new files")
    if args.dry_run:
        return 0
    done = apply_import(replica, bundle)
    print(f"imported: {done.records} records, {done.conflicts} conflicts")
    return 0
