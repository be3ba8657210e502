from pathlib import Path

from companion.config import DATA_DIR_ENV, Paths, default_data_dir, guides_dir, translations_dir


def test_data_dir_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "from-env"))
    assert Paths.resolve(str(tmp_path / "from-cli")).data_dir == tmp_path / "from-cli"
    assert Paths.resolve(None).data_dir == tmp_path / "from-env"
    monkeypatch.delenv(DATA_DIR_ENV)
    assert Paths.resolve(None).data_dir == default_data_dir().resolve()
    assert "openIMIS" in str(default_data_dir())


def test_data_folder_layout(tmp_path):
    paths = Paths(tmp_path).ensure()
    assert paths.database.name == "companion.sqlite3" and paths.logs_dir.is_dir() and paths.backups_dir.is_dir()


def test_bundled_folders_exist():
    assert (guides_dir() / "en").is_dir()
    assert Path(translations_dir(), "fr", "LC_MESSAGES").is_dir()
