"""Layout of the reviewer views (对照): two-column diff, stale copy, numbers.

Only layout lives here; the HTML and the data come from :mod:`drafter.review.compare`
(:func:`~drafter.review.compare.diff_html`, :func:`~drafter.review.compare.highlight_html`,
:func:`~drafter.review.compare.numbers_view`, :func:`~drafter.review.compare.stale_spans`).
Each function takes the streamlit module (or ``None`` to import it), so a page
can pass ``st`` or a container-like object with the same methods.
"""

from __future__ import annotations

from typing import Any

from drafter.facts.sheet import FactSheet
from drafter.review.compare import (
    Comparison,
    compare_texts,
    diff_html,
    highlight_html,
    numbers_view,
    stale_spans,
)
from drafter.text.limits import MAX_COMPARE_CHARS

__all__ = ["render_compare", "render_numbers", "render_stale"]

_BOX = '<div style="line-height:1.9;border:1px solid #ddd;padding:8px 12px;">{}</div>'


def _st(st_module: Any | None) -> Any:
    if st_module is not None:
        return st_module
    import streamlit

    return streamlit


def render_compare(
    st_module: Any | None,
    old_text: str,
    new_text: str,
    *,
    old_label: str = "原稿",
    new_label: str = "新稿",
    genre: str | None = None,
    key: str = "compare",
) -> Comparison | None:
    """Compare two texts and show the similarity, the counts and the two-column diff.

    A text over :data:`drafter.text.limits.MAX_COMPARE_CHARS` is refused with a message
    naming it (``None`` is returned), as ``drafter compare`` does.
    """
    st = _st(st_module)
    too_long = [f"{label}（{len(text):,} 字）" for label, text in ((old_label, old_text), (new_label, new_text))
                if len(text) > MAX_COMPARE_CHARS]
    if too_long:
        st.error(f"{'、'.join(too_long)}超过对照的上限 {MAX_COMPARE_CHARS:,} 字（一份年度报告通常不到 2 万字），"
                 "请检查是否选错了文件，或拆分后再对照。")
        return None
    result = compare_texts(old_text, new_text, genre=genre)
    counts = result.counts()
    cols = st.columns([1.5, 1, 1, 1, 1])  # room for “100.0%” at 1024 px
    cols[0].metric("相似度", f"{result.similarity:.1%}")
    for col, (status, name) in zip(
        cols[1:], (("same", "未改动"), ("changed", "有改动"), ("added", "新增"), ("removed", "删除")), strict=True
    ):
        col.metric(name, counts[status])
    only_changed = st.checkbox("只看有改动的部分", value=False, key=f"{key}-only-changed")
    if only_changed and not result.changed:
        st.info("两稿内容相同，没有改动。")
    st.markdown(
        diff_html(result, old_label=old_label, new_label=new_label, show_same=not only_changed),
        unsafe_allow_html=True,
    )
    return result


def render_stale(st_module: Any | None, text: str, check_result: Any) -> int:
    """Highlight the checker's stale findings (copied sentences, old years); returns their number."""
    st = _st(st_module)
    spans = stale_spans(check_result)
    if not spans:
        st.success("没有发现从旧报告照搬的句子或过时的年份。")
    else:
        st.warning(f"发现 {len(spans)} 处疑似照搬旧报告或过时的内容（黄色标出，鼠标悬停看原因）。")
    st.markdown(_BOX.format(highlight_html(text, spans)), unsafe_allow_html=True)
    return len(spans)


def render_numbers(st_module: Any | None, text: str, facts: FactSheet | None) -> int:
    """Every number beside the figure it comes from; returns how many are unsupported."""
    st = _st(st_module)
    refs = numbers_view(text, facts)
    if not refs:
        st.info("文中没有带单位的数字。")
        return 0
    rows = [
        {
            "行": r.line,
            "数字": r.number,
            "上下文": r.context,
            "来源": r.figure or (f"与“{r.named}”不符" if r.named else "无依据"),
        }
        for r in refs
    ]
    st.dataframe(rows, hide_index=True, width="stretch")
    unsupported = sum(1 for r in refs if r.figure is None)
    if unsupported:
        st.warning(f"{unsupported} 个数字在数据表中找不到依据，请核对。")
    return unsupported
