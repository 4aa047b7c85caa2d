"""The web app on a real PostgreSQL server (``DRAFTER_DATABASE_URL``), as a team would run it."""

from __future__ import annotations

from pathlib import Path

import pytest
from openai_server import OpenAIServer, Reply  # type: ignore[import-not-found]  # loaded by conftest
from sqlalchemy import String, Text, inspect, select, text

from drafter.storage import Repository, get_engine
from drafter.storage.models import Base

API_KEY = "sk-test-Postgres-Secret-0815"


def _texts(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.value for kind in ("success", "info", "warning", "error") for e in getattr(at, kind)]


def test_app_saves_to_postgresql_and_never_stores_the_api_key(  # type: ignore[no-untyped-def]
    app_home: Path, new_session, postgres_url: str, postgres_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DRAFTER_DATABASE_URL", postgres_url)
    at = new_session()
    at.text_input(key="f_unit").input("江城市统计局")
    at.text_input(key="f_org").input("局党组")
    at.text_input(key="f_year").input("2025").run()
    at.session_state["nav"] = "起草"
    at.run()
    at.button(key="generate").click().run()
    assert any("全文已生成" in t for t in _texts(at)), _texts(at)

    repo = Repository(get_engine(postgres_url))
    report = repo.find_report("江城市统计局", 2025)
    assert report is not None and report.title == "江城市统计局2025年度干部选拔任用工作报告"
    draft = repo.latest_draft(report.id)
    assert draft is not None and len(draft.sections) >= 5
    target = draft.sections[1]

    # regenerate one section through an OpenAI-compatible server with an API key
    with OpenAIServer(models=["scripted"], api_key=API_KEY) as srv:
        srv.responder = lambda body: Reply("严格执行干部选拔任用工作条例，全年组织专题培训12次。")
        at.radio(key="backend").set_value("openai").run()
        at.text_input(key="oa_base").input(srv.url)
        at.text_input(key="oa_model").input("scripted")
        at.text_input(key="oa_key").input(API_KEY).run()
        at.button(key=f"regen_{draft.id}_{target.section_id}").click().run()
        assert any("本节已重新生成" in t for t in _texts(at)), _texts(at)
    regen = repo.latest_draft(report.id).section(target.section_id)
    assert regen.version == 2 and regen.backend.startswith("openai") and "12次" in regen.text
    assert not (app_home / "drafter.db").exists()  # it really went to PostgreSQL
    assert not at.exception

    # the key is in no text column of any table, nor in the server's log
    engine = get_engine(postgres_url)
    checked = 0
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) >= set(Base.metadata.tables)
        for table in Base.metadata.tables.values():
            for column in table.columns:
                if isinstance(column.type, (String, Text)) or isinstance(
                    getattr(column.type, "impl_instance", None), (String, Text)
                ):
                    hits = conn.scalar(
                        select(text("count(*)")).select_from(table).where(column.contains(API_KEY))
                    )
                    assert hits == 0, f"{table.name}.{column.name}"
                    checked += 1
            # and the whole row as text, whatever its column types
            whole = conn.scalar(text(f"SELECT count(*) FROM {table.name} AS r WHERE r::text LIKE :p"),
                                {"p": f"%{API_KEY}%"})
            assert whole == 0, table.name
    assert checked >= 20
    assert API_KEY not in postgres_server.log()
