"""知识库 → 本单位规范提法清单: upload, list and delete a unit's own 规范提法 / 敏感表述 list.

The list is a YAML file in the format of ``knowledge/policies/formulations.yaml``
(:mod:`drafter.kb.unit_lists`); the 检查 of the unit's reports uses it, and every finding
it gives names it. On a team server it is scoped like other uploads: a writer's list is
for their units, an admin chooses the units, a reviewer only sees.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from drafter.kb.scope import KnowledgeScope
from drafter.kb.unit_lists import ScopedUnitLists

from ..safe_text import md, say
from ..state import Ctx, bump

__all__ = ["unit_lists_panel"]

_EXAMPLE = """name: 本单位规范提法清单
terms:
  - {text: 一把手说了算, fix: 党组集体讨论决定, note: 干部任免须集体讨论决定}
formulations:
  - id: my_rule
    name: 某项提法
    text: 正确写法
    wrong: [{text: 常见错误写法}]
    source: {title: 某文件, issuer: 发文机关, date: 2024-01}
"""


def _lists(ctx: Ctx) -> ScopedUnitLists:
    return ScopedUnitLists(ctx.settings, KnowledgeScope.of(ctx.who))


def _units(ctx: Ctx, nonce: int) -> list[str]:
    if ctx.who is None:  # local mode: the unit of the report being written
        form = st.session_state.get("form") or {}
        unit = st.text_input("用于哪个单位的检查", value=str(form.get("unit") or ""), key=f"ul_unit_{nonce}",
                             help="填写报告的单位名称；只有这个单位的报告在检查时使用这份清单")
        return [unit.strip()] if unit.strip() else []
    if getattr(ctx.who, "is_admin", False):
        from drafter.storage.team import open_accounts

        known = sorted({u for user in open_accounts(ctx.settings).list_users() for u in user.units})
        return list(st.multiselect("清单属于哪些单位", known, key=f"ul_units_{nonce}",
                                   placeholder="不选：仅管理员可见，不用于任何单位的检查"))
    mine = "、".join(sorted(ctx.who.units or ())) or "（未分配单位）"
    st.caption(f"清单属于本单位（{mine}）：只用于本单位报告的检查。")
    return []


def unit_lists_panel(ctx: Ctx) -> None:
    """The panel (an expander at the end of 知识库)."""
    lists = _lists(ctx)
    mine = lists.lists()
    with st.expander(f"本单位规范提法 / 敏感表述清单（{len(mine)}份）", key="exp_unit_lists"):
        for kind, msg in st.session_state.pop("ul_msgs", []):
            say(kind, msg)
        st.caption("检查报告时，除内置的规范提法库外，还按本单位上传的清单查找错误提法和敏感表述；"
                   "每条问题注明出自哪份清单。格式为 YAML，示例：")
        st.code(_EXAMPLE, language="yaml")
        may_upload = ctx.who is None or ctx.who.role in ("writer", "admin")
        if may_upload:
            nonce = int(st.session_state.get("ul_nonce", 0))
            up: Any = st.file_uploader("上传清单（.yaml）", type=["yaml", "yml"], key=f"ul_file_{nonce}")
            units = _units(ctx, nonce)
            if up is not None and st.button("保存清单", key="ul_save"):
                ok, msg = lists.store(up.name, up.getvalue(), units)
                st.session_state["ul_msgs"] = [("success" if ok else "error", msg)]
                bump("ul_nonce")
                st.rerun()
        for n, item in enumerate(mine):
            lib = item.library
            whose = "、".join(item.units) or "仅管理员"
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            c1.markdown(md(f"{lib.name}（{item.path.name}）：提法{len(lib.formulations)}条、"
                           f"敏感表述{len(lib.terms)}条、规定{len(lib.rules)}条 · 用于：{whose}"))
            if may_upload and lists.scope.may_change(item.source, item.units) and c2.button("删除", key=f"ul_del_{n}"):
                lists.delete(item.source)
                st.session_state["ul_msgs"] = [("success", f"已删除清单“{lib.name}”")]
                st.rerun()
