"""The section-tree parser and the chunker on the five bundled samples."""

from __future__ import annotations

from drafter.kb.chunking import OPENING, chunk_document, split_long
from drafter.text.doctree import parse


def _top(text: str) -> list[str]:
    return [s.label for s in parse(text).sections]


def test_000_has_three_numbered_parts_with_four_practice_subsections(
    sample_texts: dict[str, str],
) -> None:
    doc = parse(sample_texts["000"])
    assert [s.number for s in doc.sections] == ["一", "二", "三"]
    assert [c.number for c in doc.sections[1].children] == ["一", "二", "三", "四"]
    assert doc.sections[2].title.startswith("下一步")


def test_001_and_002_end_with_an_implicit_next_steps_section(
    sample_texts: dict[str, str],
) -> None:
    for key, numbered in (("001", 3), ("002", 4)):
        doc = parse(sample_texts[key])
        assert len(doc.sections) == numbered + 1
        last = doc.sections[-1]
        assert last.implicit and last.number is None and last.title == "下一步"
        assert last.paragraphs[0].text.startswith("下一步，")
    assert parse(sample_texts["002"]).title.text == "党政机关干部选拔任用工作报告"


def test_003_puts_level_four_items_directly_under_level_one(
    sample_texts: dict[str, str],
) -> None:
    doc = parse(sample_texts["003"])
    assert [s.title for s in doc.sections] == [
        "基本情况",
        "主要做法",
        "存在问题",
        "下步打算",
    ]
    practice = doc.sections[1]
    assert [(c.level, c.number) for c in practice.children] == [
        (4, "1"),
        (4, "2"),
        (4, "3"),
    ]


def test_004_is_a_speech_opening_with_a_salutation(
    sample_texts: dict[str, str],
) -> None:
    doc = parse(sample_texts["004"])
    assert doc.salutation is not None and doc.salutation.text == "同志们："
    assert [s.title for s in doc.sections] == ["总体情况", "存在问题", "改进方向"]
    assert [c.number for c in doc.sections[1].children] == ["1", "2", "3"]


def test_chunks_carry_heading_path_kind_year_and_genre(
    sample_texts: dict[str, str],
) -> None:
    chunks = chunk_document(sample_texts["003"], source="reports/003.txt")
    assert (
        chunks[0].kind == OPENING
        and chunks[0].year == 2022
        and chunks[0].genre == "report"
    )
    problems = [c for c in chunks if c.kind == "problems"]
    assert problems and problems[0].heading == "三、存在问题"
    assert "一方面人才综合能力还需提升" in problems[0].text
    plans = [c for c in chunks if c.kind == "plans"]
    assert plans[0].heading == "四、下步打算 > （1）交流锻炼提上日程"
    speech = chunk_document(sample_texts["004"], source="reports/004.txt")
    assert speech[0].genre == "speech"
    assert all(c.text != "同志们：" for c in speech)


def test_every_sample_chunks_into_bounded_pieces_that_cover_the_text(
    sample_texts: dict[str, str],
) -> None:
    for key, text in sample_texts.items():
        chunks = chunk_document(text, source=f"reports/{key}.txt")
        assert all(len(c.text) <= 400 for c in chunks), key
        assert len({c.id for c in chunks}) == len(chunks)
        body = "".join(c.text for c in chunks)
        # every enumerated item survives chunking
        for marker in ("一是", "二是", "三是"):
            assert text.count(marker) == body.count(marker), (key, marker)


def test_chunk_ids_are_stable_and_change_with_content(
    sample_texts: dict[str, str],
) -> None:
    a = chunk_document(sample_texts["000"], source="reports/000.txt")
    b = chunk_document(sample_texts["000"], source="reports/000.txt")
    assert [c.id for c in a] == [c.id for c in b]
    edited = sample_texts["000"].replace("二是突出政治标准", "二是始终突出政治标准")
    c = chunk_document(edited, source="reports/000.txt")
    assert len({x.id for x in a} - {x.id for x in c}) == 1


def test_long_paragraph_is_split_at_item_starts_then_sentences() -> None:
    text = "总述。" + "".join(f"{n}是" + "严格执行程序。" * 20 for n in "一二三")
    cuts = [text.index(f"{n}是") for n in "一二三"]
    pieces = split_long(text, cuts, max_chars=200)
    assert "".join(pieces) == text
    assert all(len(p) <= 200 for p in pieces)
    assert pieces[0].startswith("总述。一是")
