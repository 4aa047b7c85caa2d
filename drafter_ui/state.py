"""Session state: the open report and the fact sheet as typed, kept across tabs and reloads.

Widgets that are not on screen lose their values in Streamlit, so the form lives
in ``st.session_state["form"]`` and is written back into the widget keys whenever
a widget is (re)created. The open report's id is in the URL (``?report=7``), so a
reload or a server restart comes back to it; a new session without one opens the
start page (:mod:`.start_page`: a new report, or one chosen from the list) — never
whatever report someone else saved last.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
from dataclasses import dataclass
from typing import Any

import streamlit as st

from drafter.facts.form import EMPTY_FORM
from drafter.facts.templates import LEVELS, blank_figures
from drafter.settings import Settings
from drafter.storage import Repository
from drafter.storage.access import ScopedRepository
from drafter.storage.accounts import Principal
from drafter.storage.team import open_accounts

from . import resources

__all__ = [
    "FORM_WIDGETS",
    "LIST_FIELDS",
    "Ctx",
    "bump",
    "figures_key",
    "form",
    "form_generation",
    "init",
    "new_form",
    "open_report",
    "push_text_widgets",
    "read_only",
    "reset_figures",
    "drawing",
    "form_widgets_dropped",
    "remember_tab",
    "restore_tab",
]

#: Text widgets of the fact form: form field → widget key.
FORM_WIDGETS = {
    "unit": "f_unit",
    "org": "f_org",
    "year": "f_year",
    "level": "f_level",
    "superior": "f_superior",
    "region": "f_region",
    "unit_type": "f_unit_type",
    "signer": "f_signer",
    "date": "f_date",
}
#: List fields, edited one item per line: form field → widget key.
LIST_FIELDS = {
    "highlights": "f_highlights",
    "problems": "f_problems",
    "plans": "f_plans",
    "rectification": "f_rectification",
}


@dataclass
class Ctx:
    """What every page needs."""

    settings: Settings
    repo: Repository | ScopedRepository
    who: Principal | None = None

    @property
    def author(self) -> str:
        """The signed-in person's name on a team server; else the 署名 typed by the writer
        ("" until given: shown as 未署名, never a session id)."""
        if self.who is not None:
            return self.who.label
        return str(st.session_state.get("author") or "").strip()

    @property
    def report_id(self) -> int | None:
        return st.session_state.get("report_id")

    @property
    def may_write(self) -> bool:
        """False for a reviewer on the team server (reads only)."""
        return self.who is None or self.who.role in ("writer", "admin")

    @property
    def may_manage_knowledge(self) -> bool:
        """Re-indexing, and changing any upload whatever its unit: local user or admin
        (a writer changes their own unit's uploads: :class:`~drafter.kb.uploads.ScopedUploads`)."""
        return self.who is None or self.who.is_admin

    def audit(self, action: str, detail: str = "") -> None:
        """Record a page action (an export) in the team server's audit log."""
        if isinstance(self.repo, ScopedRepository):
            self.repo.record(action, self.report_id, detail)


def form() -> dict[str, Any]:
    """The fact form of this session (as typed, valid or not)."""
    return st.session_state["form"]


def bump(name: str) -> int:
    """Increment a session counter (used to give widgets fresh keys)."""
    st.session_state[name] = int(st.session_state.get(name, 0)) + 1
    return st.session_state[name]


def figures_key() -> str:
    """The current key of the figure table editor."""
    n = int(st.session_state.get("fig_nonce", 0))
    return "figures_editor" if n == 0 else f"figures_editor_{n}"


def reset_figures(rows: list[dict[str, Any]]) -> None:
    """Replace the figure table (new editor key, so old cell edits do not apply)."""
    st.session_state.pop(figures_key(), None)
    form()["figures"] = copy.deepcopy(rows)
    st.session_state["fig_base"] = copy.deepcopy(rows)
    bump("fig_nonce")


def push_text_widgets(f: dict[str, Any]) -> None:
    """The form's text and list fields into their widget keys (not the figure table)."""
    for field, key in FORM_WIDGETS.items():
        value = f.get(field)
        st.session_state[key] = "" if value is None else str(value)
    # a level the app does not list (副厅级, 县处级、乡科级 …) is kept and shown, never blanked
    for field, key in LIST_FIELDS.items():
        st.session_state[key] = "\n".join(f.get(field) or [])


def restore_tab(names: list[str]) -> None:
    """On a session's first tab bar, open the tab named in the page address (``?tab=起草``)."""
    ss = st.session_state
    if ss.get("tab_restored"):
        return
    ss["tab_restored"] = True
    wanted = str(st.query_params.get("tab") or "")
    if wanted in names and ss.get("nav") is None:
        ss["nav"] = wanted


def remember_tab(name: str, *, first: bool) -> None:
    """The open tab in the page address, so a reload returns to it (the first tab needs none)."""
    if first:
        if "tab" in st.query_params:
            st.query_params.pop("tab", None)
    elif st.query_params.get("tab") != name:
        st.query_params["tab"] = name


def read_only() -> bool:
    """Whether this session may only read reports (a reviewer on the team server): every
    field and button that would change a report is drawn disabled."""
    return bool(st.session_state.get("read_only"))


def drawing(page: str) -> None:
    """Note that *page* is what this run draws (a tab, the start page, the sign-in page).

    Called where a page's widgets are about to be drawn, never earlier: a run that a
    newer one interrupts before that point leaves the note as it was.
    """
    st.session_state["page_drawn"] = page


def form_widgets_dropped() -> bool:
    """Whether the fact form's widgets were off screen since they were last drawn.

    Streamlit forgets a widget's value after a finished run that did not draw it, so
    coming back to 数据填报 the widgets must be given the form again. A run
    interrupted by a newer one (the writer typing on) forgets nothing; counting runs
    misread such a run as “off screen” and pushed the form over what had just been
    typed. The note of the page last drawn does not (it is set only where a page is drawn).
    """
    return st.session_state.get("page_drawn") != "facts"


def form_generation() -> int:
    """How many times the whole form was replaced (import, new report, report opened)."""
    return int(st.session_state.get("form_gen", 0))


def _push_widgets(f: dict[str, Any]) -> None:
    bump("form_gen")  # first: boxes drawn for the form being replaced change nothing from here on
    push_text_widgets(f)
    reset_figures(list(f.get("figures") or []))


def new_form() -> None:
    """Start a new, unsaved report (saved as soon as something is typed)."""
    f = copy.deepcopy(EMPTY_FORM)
    f["year"] = str(_dt.date.today().year - 1)
    f["level"] = LEVELS[0]
    f["figures"] = blank_figures(LEVELS[0])
    if st.session_state.get("prefilled_unit"):  # a writer of one unit: 单位名称 filled in
        f["unit"] = st.session_state["prefilled_unit"]
    st.session_state["form"] = f
    st.session_state["report_id"] = None
    st.session_state["facts_rev"] = None
    st.session_state["saved_json"] = json.dumps(f, ensure_ascii=False, sort_keys=True)
    st.session_state["name_taken"] = None
    _clear_draft_state()
    _push_widgets(f)
    st.query_params.pop("report", None)


def _clear_draft_state() -> None:
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(("edit_", "regen_", "instr_", "outline_")):
            del st.session_state[key]
    st.session_state.pop("outline", None)
    st.session_state.pop("outline_rev", None)
    bump("draft_nonce")


def open_report(repo: Repository, report_id: int) -> bool:
    """Load a saved report into this session; False if it no longer exists."""
    loaded = repo.load_report(report_id)
    if loaded is None:
        return False
    if loaded.facts is not None:
        f = copy.deepcopy(EMPTY_FORM)
        f.update(loaded.facts.data)
    else:
        new_form()
        f = st.session_state["form"]
        f["unit"] = loaded.info.unit
        f["year"] = str(loaded.info.year or "")
    st.session_state["form"] = f
    st.session_state["report_id"] = report_id
    st.session_state["facts_rev"] = loaded.facts.revision if loaded.facts else None
    st.session_state["saved_json"] = json.dumps(f, ensure_ascii=False, sort_keys=True)
    st.session_state["name_taken"] = None
    _clear_draft_state()
    st.session_state["outline"] = loaded.outline
    st.session_state["outline_rev"] = loaded.outline_rev
    _push_widgets(f)
    # the form's first draw gives the sheet back in the boxes' own shape (2025 → "2025", empty
    # 民主评议 cells filled in): that is the sheet as opened, no edit (see facts_page.render)
    st.session_state["form_opened"] = form_generation()
    st.query_params["report"] = str(report_id)
    return True


def init(who: Principal | None = None) -> Ctx:
    """Set up the session on its first run; handle a pending report switch.

    On a team server *who* is the signed-in person and every repository call goes
    through their rights (:class:`~drafter.storage.access.ScopedRepository`).
    """
    s = resources.settings()
    repo: Repository | ScopedRepository = resources.repository(s)
    if who is not None:
        repo = ScopedRepository(repo, open_accounts(s), who)
    ss = st.session_state
    ss["read_only"] = who is not None and who.role not in ("writer", "admin")
    only = sorted(who.units) if who is not None and who.role == "writer" else []
    ss["prefilled_unit"] = only[0] if len(only) == 1 else None
    if not ss.get("ui_ready"):
        # the 署名 typed earlier in this browser comes back with the page address
        if who is None:
            ss.setdefault("author", str(st.query_params.get("by") or ""))
        else:
            st.query_params.pop("by", None)
        opened = False
        wanted = st.query_params.get("report")
        if wanted and str(wanted).isdigit():
            opened = open_report(repo, int(wanted))
            if not opened:
                why = "已不存在（可能已被删除）" if who is None else "已不存在，或不属于你可查看的单位"
                ss["notice"] = f"链接中的报告（编号{wanted}）无法打开：{why}。请新建或从列表中选择。"
        if not opened and who is not None:
            # team server: someone who may see exactly one report gets it (it is theirs, not
            # whoever used the server last); with more, the start page lets them choose
            visible = repo.list_reports()
            opened = len(visible) == 1 and open_report(repo, visible[0].id)
        if not opened:
            new_form()
            ss["start"] = True  # a fresh browser chooses what to open
        ss["ui_ready"] = True
    pending = ss.pop("pending_open", None)
    if pending == "start":
        new_form()
        ss["start"] = True
    elif pending == "new":
        new_form()
        ss["start"] = False
    elif pending == "review":  # the start page's 审核台 button: straight to the 审核 tab
        ss["start"] = False
        ss["nav"] = "审核"
    elif pending is not None:
        if open_report(repo, int(pending)):
            ss["start"] = False
        else:
            ss["notice"] = "这份报告已不存在（可能已被删除）。"
    return Ctx(settings=s, repo=repo, who=who)
