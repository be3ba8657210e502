"""Build the desktop Companion for people who do not run pip: one command per platform.

    python packaging/desktop/build.py linux     one folder + tarball + AppDir (+ AppImage with appimagetool)
    python packaging/desktop/build.py windows   one folder + Inno Setup installer (with ISCC.exe)
    python packaging/desktop/build.py macos     openIMIS Companion.app (+ .dmg with hdiutil)

Run it with the Python of dev.py's .venv (the build group is pinned in requirements.lock); each
platform builds on itself (PyInstaller does not cross-compile). Everything lands in build/desktop/.
``--check`` then runs the frozen app's --self-check and starts its window for a few seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "packaging" / "desktop"
OUT = ROOT / "build" / "desktop"
NAME = "openIMIS-Companion"
APP_ID = "org.openimis.Companion"
sys.path.insert(0, str(ROOT))

from companion import __version__  # noqa: E402


def run(command: list[str], **options) -> None:
    print("$ " + " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, **options)


def folder_size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file() and not file.is_symlink())


def mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


def pyinstaller() -> Path:
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", OUT / "dist", "--workpath", OUT / "work", HERE / "companion.spec"])
    bundle = OUT / "dist" / NAME
    print(f"one-folder bundle: {bundle} ({mib(folder_size(bundle))})")
    return bundle


def executable(bundle: Path) -> Path:
    return bundle / (f"{NAME}.exe" if os.name == "nt" else NAME)


# -- Linux ------------------------------------------------------------------------------------------


def install_desktop_files(share: Path) -> None:
    """The freedesktop.org files: menu entry, AppStream metainfo, MIME type, icons at each size."""
    linux = HERE / "linux"
    (share / "applications").mkdir(parents=True, exist_ok=True)
    shutil.copy(linux / f"{APP_ID}.desktop", share / "applications")
    (share / "metainfo").mkdir(parents=True, exist_ok=True)
    shutil.copy(linux / f"{APP_ID}.metainfo.xml", share / "metainfo")
    (share / "mime" / "packages").mkdir(parents=True, exist_ok=True)
    shutil.copy(linux / f"{APP_ID}.mime.xml", share / "mime" / "packages" / f"{APP_ID}.xml")
    for png in sorted((ROOT / "resources" / "icons" / "app").glob("openimis-companion-*.png")):
        size = png.stem.rsplit("-", 1)[1]
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(png, target / f"{APP_ID}.png")


def validate_desktop_files(share: Path) -> None:
    """appstreamcli and desktop-file-validate where installed (Debian: appstream, desktop-file-utils)."""
    checks = [("appstreamcli", ["validate", "--no-net", "--explain", share / "metainfo" / f"{APP_ID}.metainfo.xml"]),
              ("desktop-file-validate", [share / "applications" / f"{APP_ID}.desktop"])]
    for tool, arguments in checks:
        if shutil.which(tool):
            run([tool, *arguments])
        else:
            print(f"{tool} is not installed: skipped (apt install appstream desktop-file-utils)")


def linux(bundle: Path) -> None:
    machine = os.uname().machine
    # The tarball: the folder as is, plus share/ and a script that adds the menu entry for one user.
    staging = OUT / "tarball" / NAME
    shutil.rmtree(staging.parent, ignore_errors=True)
    shutil.copytree(bundle, staging, symlinks=True)
    install_desktop_files(staging / "share")
    shutil.copy(HERE / "linux" / "install-menu-entry.sh", staging)
    validate_desktop_files(staging / "share")
    tarball = OUT / f"{NAME}-{__version__}-linux-{machine}.tar.gz"
    with tarfile.open(tarball, "w:gz", compresslevel=9) as archive:
        archive.add(staging, arcname=f"{NAME}-{__version__}")
    print(f"tarball: {tarball} ({mib(tarball.stat().st_size)})")

    # The AppDir: what appimagetool turns into one AppImage file.
    appdir = OUT / f"{NAME}.AppDir"
    shutil.rmtree(appdir, ignore_errors=True)
    shutil.copytree(bundle, appdir / "usr" / "lib" / NAME, symlinks=True)
    install_desktop_files(appdir / "usr" / "share")
    desktop = (HERE / "linux" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    (appdir / f"{APP_ID}.desktop").write_text(desktop, encoding="utf-8")
    shutil.copy(ROOT / "resources" / "icons" / "app" / "openimis-companion-256.png", appdir / f"{APP_ID}.png")
    (appdir / ".DirIcon").symlink_to(f"{APP_ID}.png")
    app_run = appdir / "AppRun"
    app_run.write_text('#!/bin/sh\n# The AppImage entry point: the one-folder app inside.\n'
                       'HERE="$(dirname "$(readlink -f "$0")")"\n'
                       f'exec "$HERE/usr/lib/{NAME}/{NAME}" "$@"\n', encoding="utf-8")
    app_run.chmod(0o755)
    bin_dir = appdir / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / NAME).symlink_to(f"../lib/{NAME}/{NAME}")
    print(f"AppDir: {appdir}")
    tool = shutil.which("appimagetool") or shutil.which("appimagetool-x86_64.AppImage")
    if tool:
        image = OUT / f"{NAME}-{__version__}-{machine}.AppImage"
        run([tool, appdir, image], env={**os.environ, "ARCH": machine})
        print(f"AppImage: {image} ({mib(image.stat().st_size)})")
    else:
        print("appimagetool is not installed (it is not packaged by Debian and is downloaded from the AppImage "
              f"project's releases): the AppDir is ready; make the AppImage with: appimagetool {appdir}")


# -- Windows and macOS ------------------------------------------------------------------------------


def windows(bundle: Path) -> None:
    iscc = shutil.which("iscc") or shutil.which("ISCC") or next(
        (str(path) for path in (Path(os.environ.get("ProgramFiles(x86)", "C:/Program Files (x86)")) / "Inno Setup 6",)
         if (path / "ISCC.exe").exists()), None)
    script = HERE / "windows" / "companion.iss"
    if iscc is None:
        print(f"Inno Setup is not installed: the folder {bundle} is ready; build the installer with: "
              f"ISCC.exe /DAppVersion={__version__} {script}")
        return
    if Path(iscc).is_dir():
        iscc = str(Path(iscc) / "ISCC.exe")
    run([iscc, f"/DAppVersion={__version__}", f"/DSourceDir={bundle}", f"/O{OUT}", script])


def macos(bundle: Path) -> None:
    app = OUT / "dist" / "openIMIS Companion.app"
    print(f"app: {app} ({mib(folder_size(app))})")
    if shutil.which("hdiutil"):
        image = OUT / f"{NAME}-{__version__}-macos.dmg"
        image.unlink(missing_ok=True)
        run(["hdiutil", "create", "-volname", "openIMIS Companion", "-srcfolder", app, "-ov", "-format", "UDZO", image])
        print(f"disk image: {image}")


# -- check ------------------------------------------------------------------------------------------


def check(bundle: Path, seconds: float) -> None:
    """The frozen app: its self-check passes, and its window runs for a few seconds without error."""
    import tempfile

    frozen = executable(bundle)
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        result = subprocess.run([frozen, "--data-dir", data, "--self-check"], env=env, capture_output=True,
                                text=True, timeout=300)
        print(result.stdout + result.stderr)
        if result.returncode != 0 or "FAIL" in result.stdout:
            raise SystemExit("the frozen app's self-check failed")
        # A database an earlier release left behind upgrades inside the frozen app (migration scripts are there).
        old = Path(folder) / "old"
        old.mkdir()
        fixtures = sorted((ROOT / "tests" / "fixtures" / "databases").glob("release-*.sqlite3"))
        shutil.copy(fixtures[0], old / "companion.sqlite3")
        upgraded = subprocess.run([frozen, "--data-dir", old, "--self-check"], env=env, capture_output=True,
                                  text=True, timeout=300)
        if upgraded.returncode != 0 or "(upgraded)" not in upgraded.stdout:
            raise SystemExit(f"the frozen app did not upgrade {fixtures[0].name}:\n{upgraded.stdout}{upgraded.stderr}")
        print(f"the frozen app upgraded {fixtures[0].name} to the current schema")
        window = subprocess.Popen([frozen, "--data-dir", data, "--no-crash-dialog"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(seconds)
        if window.poll() is not None:
            out, err = window.communicate()
            raise SystemExit(f"the frozen app's window exited ({window.returncode}) within {seconds} s:\n{out}{err}")
        window.terminate()
        out, err = window.communicate(timeout=30)
        log = (data / "logs" / "companion.log").read_text(encoding="utf-8", errors="replace")
        if "Traceback" in err or "Traceback" in log:
            raise SystemExit(f"the frozen app logged an error:\n{err}\n{log}")
        print(f"the frozen app's window ran {seconds:.0f} s offscreen without an error")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("platform", choices=["linux", "windows", "macos"])
    parser.add_argument("--check", action="store_true", help="run the frozen app's self-check and window afterwards")
    parser.add_argument("--seconds", type=float, default=5.0, help="how long --check keeps the window open")
    args = parser.parse_args(argv)
    wanted = {"linux": "linux", "windows": "win32", "macos": "darwin"}[args.platform]
    if not sys.platform.startswith(wanted):
        parser.error(f"build the {args.platform} version on {args.platform}: PyInstaller does not cross-compile")
    bundle = pyinstaller()
    {"linux": linux, "windows": windows, "macos": macos}[args.platform](bundle)
    if args.check:
        check(bundle, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
