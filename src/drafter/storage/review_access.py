"""Review batches as one signed-in person may use them: every call checked here.

Rules (team server):

* an admin lists, opens, re-runs, marks and deletes every batch;
* a reviewer does so only for the batches they created themselves (the batch's
  ``owner`` is their account name, not the display name, which may change or repeat);
* a writer has no review desk: every call is refused with a Chinese message.

Batches created before batches had owners (``owner`` is NULL) are visible to
admins only. A batch the person may not see does not exist for them: a read
answers as for a missing batch (None, empty) and a write raises
:class:`~drafter.errors.AccessDenied`. Methods not classified below are refused,
so a method added to :class:`ReviewStore` later is closed until it is classified.
Local single-user mode (no sign-in) uses :class:`ReviewStore` directly.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ..errors import AccessDenied
from .accounts import Principal
from .review_store import BatchInfo, ReviewStore

__all__ = ["ScopedReviewStore"]

#: method → (writes?, what a read answers for a batch the person may not see)
_RULES: dict[str, tuple[bool, Callable[[], Any]]] = {
    "get_batch": (False, lambda: None),
    "runs": (False, list),
    "load_run": (False, lambda: None),
    "changes": (False, dict),
    "marks": (False, dict),
    "save_run": (True, lambda: None),
    "mark": (True, lambda: None),
    "delete_batch": (True, lambda: None),
}
_WRITER = "审核台供审核人和管理员使用，撰写人不能查看或修改审核批次；如需审核，请联系管理员设置“审核人”角色"
_DENIED = "无权查看或修改这个审核批次（它不是你建立的）"


class ScopedReviewStore:
    """A :class:`ReviewStore` seen through one :class:`Principal`'s rights."""

    def __init__(self, store: ReviewStore, who: Principal) -> None:
        self._store = store
        self.who = who
        self.engine = store.engine

    # ---- rights ---------------------------------------------------------
    def _check_role(self) -> None:
        if self.who.role not in ("reviewer", "admin"):
            raise AccessDenied(_WRITER)

    def _may_see(self, owner: str | None) -> bool:
        return self.who.is_admin or (owner is not None and owner == self.who.username)

    # ---- batches --------------------------------------------------------
    def create_batch(self, name: str, *, author: str = "") -> BatchInfo:
        """A new batch owned by this person; ``author`` is ignored (their real name is shown)."""
        self._check_role()
        return self._store.create_batch(name, author=self.who.label, owner=self.who.username)

    def list_batches(self) -> list[BatchInfo]:
        self._check_role()
        return [b for b in self._store.list_batches() if self._may_see(b.owner)]

    # ---- everything else, by rule --------------------------------------
    def __getattr__(self, name: str) -> Callable[..., Any]:
        rule = _RULES.get(name)
        if rule is None:
            raise AttributeError(f"ScopedReviewStore does not offer {name!r} (unclassified method)")
        writes, nothing = rule
        method = getattr(self._store, name)
        signature = inspect.signature(method)

        def checked(*args: Any, **kwargs: Any) -> Any:
            self._check_role()
            bound = signature.bind(*args, **kwargs)
            exists, owner = self._store.owner_of(int(bound.arguments["batch_id"]))
            if not exists or not self._may_see(owner):
                if writes:
                    raise AccessDenied(_DENIED)
                return nothing()
            if writes and "author" in signature.parameters:
                bound.arguments["author"] = self.who.label  # the signed-in person, whatever was passed
            return method(*bound.args, **bound.kwargs)

        return checked
