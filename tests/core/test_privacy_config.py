"""The shipped configuration keeps users' documents on their machine."""

import tomllib

from drafter.settings import REPO_ROOT, Settings


def test_streamlit_config_keeps_the_app_private() -> None:
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False  # no usage statistics sent
    assert config["server"]["address"] == "127.0.0.1"  # not reachable from the network by default
    assert config["server"]["headless"] is True  # no first-run e-mail prompt on a fresh machine
    # the upload cap matches drafter's own ingestion limit
    assert config["server"]["maxUploadSize"] == Settings().max_upload_mb
