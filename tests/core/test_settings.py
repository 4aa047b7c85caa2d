from pathlib import Path

import pytest
from pydantic import ValidationError

from drafter.errors import ConfigError
from drafter.settings import PRESETS, Settings, get_settings


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_loads(name: str, tmp_home: Path) -> None:
    s = get_settings(name)
    assert s.backend == PRESETS[name]["backend"]
    assert s.home == tmp_home


def test_env_prefix_and_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("DRAFTER_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("DRAFTER_OPENAI_API_KEY", "sk-secret")
    s = Settings()
    assert s.backend == "composer"  # the offline default
    assert s.openai_base_url == "http://127.0.0.1:9/v1"
    assert s.db_url == f"sqlite:///{tmp_path / 'h' / 'drafter.db'}"
    assert "sk-secret" not in repr(s) and "sk-secret" not in str(s.model_dump())


def test_unknown_setting_is_refused(tmp_home: Path) -> None:
    with pytest.raises(ValidationError):
        Settings(not_a_setting=1)  # type: ignore[call-arg]


def test_unknown_preset_names_the_choices(tmp_home: Path) -> None:
    with pytest.raises(ConfigError, match="可选"):
        get_settings("nope")


def test_blank_chroma_url_means_embedded(monkeypatch: pytest.MonkeyPatch, tmp_home: Path) -> None:
    monkeypatch.setenv("DRAFTER_CHROMA_URL", "  ")
    assert Settings().chroma_url is None
