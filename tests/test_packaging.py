"""The wheel, installed as users and operators install it: each side alone, in a fresh virtual
environment, away from the checkout, from its own lock. The desktop side runs its self-check and
exports Excel with no server libraries; the server side serves, backs up and stays small with no Qt.

pip reuses its download cache (the one dev.py filled), so no big download happens twice.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
import venv
import zipfile
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
SERVER_BUDGET_MIB = 150
DESKTOP_ONLY = ("PySide6", "openpyxl", "keyring")
SERVER_ONLY = ("fastapi", "uvicorn", "argon2", "psycopg", "pydantic_settings")
TEST_ONLY = ("pytest", "hypothesis", "schemathesis", "qtawesome", "PyInstaller")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    return next(dist.glob("openimis_companion-*.whl"))


class Environment:
    """A fresh virtual environment with one side of the Companion installed from its lock."""

    def __init__(self, folder: Path, wheel: Path, side: str) -> None:
        self.folder = folder
        venv.EnvBuilder(with_pip=True).create(folder)
        self.bin = folder / ("Scripts" if os.name == "nt" else "bin")
        self.python = self.bin / ("python.exe" if os.name == "nt" else "python")
        self.env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        for name in ("PYTHONPATH", "COMPANION_DATA_DIR", "COMPANION_SERVER_DATA_DIR", "COMPANION_SERVER_DATABASE_URL"):
            self.env.pop(name, None)
        subprocess.run([str(self.python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        "-r", str(ROOT / "requirements" / f"{side}.lock"), f"{wheel}[{side}]"],
                       check=True, timeout=900, env=self.env)

    def run(self, *command: str, check: bool = True, **options) -> subprocess.CompletedProcess:
        program = command[0] if command[0] == str(self.python) else str(self.bin / command[0])
        result = subprocess.run([program, *command[1:]], cwd=self.folder.parent, env=self.env, capture_output=True,
                                text=True, timeout=300, **options)
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def importable(self, names) -> list[str]:
        code = f"import importlib.util as u; print(' '.join(n for n in {list(names)!r} if u.find_spec(n)))"
        return self.run(str(self.python), "-c", code).stdout.split()

    def site_packages_mib(self) -> float:
        site = Path(self.run(str(self.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
        return sum(f.stat().st_size for f in site.rglob("*") if f.is_file()) / 1024 / 1024


def test_the_wheel_carries_content_catalogs_migrations_and_declares_both_sides(wheel):
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    assert "companion/_bundled/translations/fr/LC_MESSAGES/companion.mo" in names
    assert "companion/storage/migrations/versions/0002_reading.py" in names
    assert "sync/server/migrations/versions/0001_initial.py" in names
    assert any(n.startswith("companion/_bundled/resources/guides/fr/") for n in names)
    assert "companion/_bundled/resources/icons/app/openimis-companion-256.png" in names
    metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    core = [line for line in requires if "extra ==" not in line]
    assert not [line for line in core if any(name.lower() in line.lower() for name in DESKTOP_ONLY + SERVER_ONLY + TEST_ONLY)]
    assert any("openpyxl" in line and "extra == 'desktop'" in line for line in requires)
    assert any("fastapi" in line and "extra == 'server'" in line for line in requires)
    assert not [line for line in requires if any(name.lower() in line.lower() for name in TEST_ONLY)]


def test_the_desktop_side_alone_checks_itself_and_exports_excel(wheel, tmp_path):
    desktop = Environment(tmp_path / "desktop", wheel, "desktop")
    assert desktop.importable(SERVER_ONLY + TEST_ONLY) == []
    located = desktop.run(str(desktop.python), "-c", "import companion; print(companion.__file__)").stdout.strip()
    assert Path(located).is_relative_to(desktop.folder), f"companion imported from {located}, not the wheel"
    assert desktop.run("companion", "--version").stdout.startswith("openIMIS Companion ")
    check = desktop.run("companion", "--data-dir", str(tmp_path / "data"), "--self-check")
    assert "FAIL" not in check.stdout and "_bundled" in check.stdout and "Excel export (openpyxl)" in check.stdout

    export = textwrap.dedent(f"""
        from pathlib import Path
        from openpyxl import load_workbook
        from companion import i18n
        from companion.config import Paths
        from companion.pilot.report import write_xlsx
        from companion.pilot.store import PilotStore
        from companion.pilot.templates import bundled_templates
        from companion.session import open_data
        paths = Paths(Path({str(tmp_path / "data")!r}))
        i18n.set_language("fr")
        data = open_data(paths)
        store = PilotStore(data.library.engine, bundled_templates(), paths.blobs_dir)
        project = store.create_project("Pilote Kolda", "Sénégal", "CBHI", "XOF", usd_rate="600")
        target = Path({str(tmp_path / "pilot.xlsx")!r})
        write_xlsx(store, store.templates, project, "fr", target)
        print("|".join(load_workbook(target).sheetnames))
        data.close()
    """)
    sheets = desktop.run(str(desktop.python), "-c", export).stdout.strip().split("|")
    assert len(sheets) == 3 and sheets[1:] == ["Lignes du dossier économique", "Résultats du dossier économique"], sheets
    server = desktop.run("companion-server", "--data-dir", str(tmp_path / "srv"), "migrate", check=False)
    assert server.returncode == 1 and "openimis-companion[server]" in server.stderr and "Traceback" not in server.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_server_side_alone_serves_without_qt_and_stays_small(wheel, tmp_path):
    server = Environment(tmp_path / "server", wheel, "server")
    assert server.importable(DESKTOP_ONLY + TEST_ONLY + ("requests",)) == []
    size = server.site_packages_mib()
    print(f"server-only site-packages: {size:.1f} MiB")
    assert size <= SERVER_BUDGET_MIB
    desktop = server.run("companion", "--data-dir", str(tmp_path / "d"), check=False)
    assert desktop.returncode == 1 and "openimis-companion[desktop]" in desktop.stderr

    data = tmp_path / "server-data"
    server.run("companion-server", "--data-dir", str(data), "user", "add", "admin", "--password-stdin", "--admin",
               input="correct horse battery\n")
    settings = tmp_path / "companion-server.env"
    port = free_port()
    settings.write_text(f"COMPANION_SERVER_DATA_DIR={data}\nCOMPANION_SERVER_PORT={port}\n"
                        "COMPANION_SERVER_LOG_FORMAT=json\n", encoding="utf-8")
    process = subprocess.Popen([str(server.bin / "companion-server"), "--config", str(settings), "serve"],
                               env=server.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.communicate()
            try:
                health = requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert health.headers["Companion-Protocol"] == "1"
        backup = server.run("companion-server", "--config", str(settings), "backup", str(tmp_path / "backup.sqlite3"))
        assert "backed up" in backup.stdout and (tmp_path / "backup.sqlite3").stat().st_size > 0
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_the_desktop_and_server_locks_follow_the_development_lock():
    result = subprocess.run([sys.executable, str(ROOT / "packaging" / "lock.py"), "--check"], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
