"""The wheel carries everything: installed in a fresh virtual environment, away from the
checkout, `companion --version` and the headless self-check (content, catalogs) pass."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    wheel = next(dist.glob("openimis_companion-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "companion/_bundled/translations/fr/LC_MESSAGES/companion.mo" in names
    assert "companion/storage/migrations/versions/0002_reading.py" in names
    assert any(n.startswith("companion/_bundled/resources/guides/fr/") for n in names)

    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(target)
    python = target / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, timeout=300)
    # Third-party libraries come from the test environment (a path, not an install), so the
    # test stays fast; the project itself comes only from the wheel.
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        text=True).strip())
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    scripts = target / ("Scripts" if os.name == "nt" else "bin")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)

    located = subprocess.check_output([str(python), "-c", "import companion; print(companion.__file__)"],
                                      cwd=tmp_path, env=env, text=True).strip()
    assert Path(located).is_relative_to(target), f"companion imported from {located}, not the wheel"
    version = subprocess.run([str(scripts / "companion"), "--version"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, check=True)
    assert version.stdout.startswith("openIMIS Companion ")
    check = subprocess.run([str(scripts / "companion"), "--data-dir", str(tmp_path / "data"), "--self-check"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "FAIL" not in check.stdout and "_bundled" in check.stdout
