"""The repository as one signed-in person may use it: every read and write checked here.

Rules (team server):

* an admin sees and changes everything;
* a writer sees and changes the reports of their unit(s), and the reports they
  created before a unit was typed; they cannot give a report another unit's name;
* a reviewer reads the reports of the units assigned to them and changes nothing.

The check is in the storage layer, not the page: whatever route asks (a page, a
guessed ``?report=N``, a stale link), a report the person may not see does not
exist for them (``get_report`` → None) and a write raises
:class:`~drafter.errors.AccessDenied`. Methods not listed here are refused, so a
repository method added later is closed until it is classified. Opening, editing,
exporting and deleting are written to the audit log, and so is every refusal
(``refused``, with what was asked: ``打开 报告2``, ``修改数据表 报告3：单位“…”``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import sessionmaker

from ..errors import AccessDenied
from .accounts import ACTIONS, Accounts, Principal
from .models import DraftRow, ReportRow
from .records import ReportInfo
from .repository import Repository

__all__ = ["ScopedRepository"]

#: method → (how its report is named, writes?, audit action or "")
_RULES: dict[str, tuple[str, bool, str]] = {
    "get_report": ("report_id", False, ""),
    "load_report": ("report_id", False, "open"),
    "latest_facts": ("report_id", False, ""),
    "facts_history": ("report_id", False, ""),
    "latest_draft": ("report_id", False, ""),
    "list_drafts": ("report_id", False, ""),
    "get_draft": ("draft_id", False, ""),
    "section_history": ("draft_id", False, ""),
    "save_facts": ("report_id", True, "edit_facts"),
    "save_outline": ("report_id", True, "edit_outline"),
    "start_draft": ("report_id", True, "draft"),
    "save_draft": ("report_id", True, "draft"),
    "add_section_version": ("draft_id", True, "edit_section"),
    "set_order": ("draft_id", True, ""),
    "restore": ("draft_id", True, "restore"),
    "delete_report": ("report_id", True, "delete"),
}
_DENIED = "无权查看或修改这份报告（它不属于你所在或负责的单位）"
#: What a refused method asked for, in the audit log's words.
_ASKED = {
    "get_report": "查看", "load_report": "打开", "latest_facts": "查看数据表", "facts_history": "查看数据表历史",
    "latest_draft": "查看草稿", "list_drafts": "查看草稿", "get_draft": "查看草稿", "section_history": "查看历史版本",
    "save_facts": "修改数据表", "save_outline": "修改提纲", "start_draft": "起草", "save_draft": "起草",
    "add_section_version": "修改章节", "set_order": "调整顺序", "restore": "恢复版本", "delete_report": "删除报告",
}


class ScopedRepository:
    """A :class:`Repository` seen through one :class:`Principal`'s rights."""

    def __init__(self, repo: Repository, accounts: Accounts, who: Principal) -> None:
        self._repo = repo
        self._accounts = accounts
        self.who = who
        self.engine = repo.engine
        self._session = sessionmaker(repo.engine, expire_on_commit=False)

    # ---- rights ---------------------------------------------------------
    def _may_see(self, unit: str, owner: str | None) -> bool:
        who = self.who
        if who.is_admin:
            return True
        if unit and unit in who.units:
            return True
        return who.role == "writer" and owner == who.username

    def _may_write_unit(self, unit: str) -> bool:
        who = self.who
        return who.is_admin or (who.role == "writer" and (not unit or unit in who.units))

    def _report_of(self, kind: str, ident: int) -> ReportRow | None:
        with self._session() as s:
            if kind == "draft_id":
                draft = s.get(DraftRow, ident)
                return s.get(ReportRow, draft.report_id) if draft else None
            return s.get(ReportRow, ident)

    def _allowed(self, report: ReportRow | None) -> bool:
        return report is not None and self._may_see(report.unit, self._accounts.owner(report.id))

    def can_write(self) -> bool:
        """Whether this person may change reports at all (reviewers read only)."""
        return self.who.role in ("writer", "admin")

    # ---- reports --------------------------------------------------------
    def list_reports(self) -> list[ReportInfo]:
        owners = self._accounts.owners()
        return [r for r in self._repo.list_reports() if self._may_see(r.unit, owners.get(r.id))]

    def find_report(self, unit: str, year: int | None) -> ReportInfo | None:
        found = self._repo.find_report(unit, year)
        if found is None or not self._may_see(found.unit, self._accounts.owner(found.id)):
            return None
        return found

    def _refuse(self, asked: str, report_id: int | None, message: str) -> AccessDenied:
        """Note a refusal in the audit log (what was asked, and of which report) and give the error."""
        self._accounts.audit(self.who.username, "refused", report_id, asked[:300])
        return AccessDenied(message)

    def check_unit(self, unit: str) -> None:
        """Refuse (logged) a unit this person may not write, before anything is created for it."""
        unit = (unit or "").strip()
        if not self.can_write() or not self._may_write_unit(unit):
            raise self._refuse(f"填写单位“{unit}”" if unit else "新建报告", None, self._unit_message(unit))

    def create_report(self, unit: str = "", year: int | None = None) -> ReportInfo:
        if not self.can_write() or not self._may_write_unit((unit or "").strip()):
            raise self._refuse(f"新建报告：单位“{unit}”" if unit else "新建报告", None, self._unit_message(unit))
        info = self._repo.create_report(unit, year)
        owner = self._accounts.owner(info.id)
        if owner is None:  # a new report (or one created before sign-in existed)
            self._accounts.set_owner(info.id, self.who.username)
            owner = self.who.username
        if not self._may_see(info.unit, owner):
            # an existing report of that unit and year that this person may not see
            raise self._refuse(f"新建报告：单位“{unit}”（已有他人的报告）", info.id, _DENIED)
        self._accounts.audit(self.who.username, "create", info.id, info.title)
        return info

    def record(self, action: str, report_id: int | None, detail: str = "") -> None:
        """Write an action the pages perform themselves (such as an export) to the audit log."""
        if report_id is not None and not self._allowed(self._report_of("report_id", report_id)):
            raise self._refuse(f"{ACTIONS.get(action, action)} 报告{report_id}", report_id, _DENIED)
        self._accounts.audit(self.who.username, action, report_id, detail)

    def _unit_message(self, unit: str) -> str:
        if not self.can_write():
            return "审核人只能查看报告，不能修改"
        mine = "、".join(sorted(self.who.units)) or "（未分配单位）"
        return f"你只能填写本单位的报告：{mine}；不能填写“{unit}”"

    # ---- everything else, by rule --------------------------------------
    def __getattr__(self, name: str) -> Callable[..., Any]:
        rule = _RULES.get(name)
        if rule is None:
            raise AttributeError(f"ScopedRepository does not offer {name!r} (unclassified method)")
        kind, writes, action = rule
        method = getattr(self._repo, name)
        signature = inspect.signature(method)

        def checked(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            ident = int(bound.arguments[kind])
            report = self._report_of(kind, ident)
            rid = report.id if report is not None else (ident if kind == "report_id" else None)
            asked = f"{_ASKED.get(name, name)} " + (f"报告{rid}" if rid is not None else f"稿件{ident}")
            if not self._allowed(report):
                refusal = self._refuse(asked, rid, _DENIED)
                if writes:
                    raise refusal
                return [] if name in ("facts_history", "list_drafts", "section_history") else None
            if writes:
                if not self.can_write():
                    raise self._refuse(asked, rid, self._unit_message(""))
                data = bound.arguments.get("data")
                if isinstance(data, Mapping):
                    unit = str(data.get("unit") or "").strip()
                    if unit and not self._may_write_unit(unit):
                        raise self._refuse(f"{asked}：单位“{unit}”", rid, self._unit_message(unit))
            result = method(*args, **kwargs)
            if action and getattr(result, "changed", True) is not False:  # a sheet saved unchanged is no edit
                assert report is not None
                self._accounts.audit(self.who.username, action, report.id, report.title or report.unit)
            return result

        return checked
