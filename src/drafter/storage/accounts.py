"""People of the team server: accounts, roles, units, sign-in with rate limiting, audit log.

Roles:

* ``writer`` (撰写人) — reads and edits the reports of their own unit(s);
* ``reviewer`` (审核人) — reads the reports of the units assigned to them;
* ``admin`` (管理员) — everything, plus accounts and the audit log.

Which reports a person may see is enforced by :class:`drafter.storage.access.ScopedRepository`;
this module only keeps the facts it needs.

>>> accounts = Accounts(engine)                                              # doctest: +SKIP
>>> accounts.add_user("zhang", "s3cret-pass", role="writer", units=["某局党组"])  # doctest: +SKIP
>>> accounts.sign_in("zhang", "s3cret-pass").role                             # doctest: +SKIP
'writer'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from ..errors import InputError, SignInError
from .account_models import AuditRow, LoginAttemptRow, ReportOwnerRow, UserRow, UserUnitRow
from .engine import retry_locked, writer_engine
from .passwords import hash_password, verify_password

__all__ = ["ACTIONS", "ROLES", "Accounts", "AuditEntry", "Principal", "UserInfo"]

#: Role id → Chinese name.
ROLES = {"writer": "撰写人", "reviewer": "审核人", "admin": "管理员"}
#: Audit action → Chinese name (for the 管理 tab and ``drafter audit``).
ACTIONS = {
    "open": "打开报告",
    "create": "新建报告",
    "edit_facts": "修改数据表",
    "edit_outline": "修改提纲",
    "draft": "起草",
    "edit_section": "修改章节",
    "restore": "恢复版本",
    "delete": "删除报告",
    "export": "导出",
    "sign_in": "登录",
    "sign_in_failed": "登录失败",
    "sign_in_locked": "登录被锁定",
    "sign_out": "退出登录",
    "user_add": "开通账号",
    "user_password": "重置密码",
    "user_units": "设置单位",
    "user_role": "设置角色",
    "user_disable": "停用账号",
    "user_enable": "启用账号",
    "review_run": "批量审核",
    "review_mark": "复核标记",
    "review_delete": "删除审核批次",
    "refused": "被拒绝",
}
_USERNAME = re.compile(r"^[A-Za-z0-9_.@\-\u4e00-\u9fff]{1,64}$")


@dataclass(frozen=True)
class Principal:
    """The signed-in person as the storage layer sees them."""

    username: str
    display_name: str
    role: str
    units: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def label(self) -> str:
        """The name shown as an author: the real name, else the account name."""
        return self.display_name or self.username


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    role: str
    units: tuple[str, ...]
    active: bool
    has_password: bool
    created_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    username: str
    action: str
    report_id: int | None
    detail: str


class Accounts:
    """Accounts, sign-in and the audit log on one database engine."""

    def __init__(
        self,
        engine: Engine,
        *,
        max_attempts: int = 5,
        window: timedelta = timedelta(minutes=15),
    ) -> None:
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)
        # transactions that write begin as writers: fifty sign-ins at once queue, none is refused
        self._writer = sessionmaker(writer_engine(engine), expire_on_commit=False)
        self.max_attempts = max_attempts
        self.window = window

    # ---- accounts -------------------------------------------------------
    def add_user(
        self,
        username: str,
        password: str | None,
        *,
        role: str = "writer",
        units: Iterable[str] = (),
        display_name: str = "",
    ) -> Principal:
        """Create an account. ``password=None`` for sign-in through a trusted gateway only."""
        username = username.strip()
        if not _USERNAME.match(username):
            raise InputError("账号名只能由字母、数字、汉字和 _ . @ - 组成，且不超过64个字符")
        if role not in ROLES:
            raise InputError(f"角色须为 {'、'.join(ROLES)} 之一，收到“{role}”")
        hashed = hash_password(password) if password is not None else None
        try:
            with self._writer.begin() as s:
                # “ADMIN” beside “admin” would be two accounts a person cannot tell apart
                twin = s.scalar(select(UserRow.username).where(func.lower(UserRow.username) == username.lower()))
                if twin is not None:
                    raise InputError(f"账号“{username}”已存在（与“{twin}”只差大小写）"
                                     if twin != username else f"账号“{username}”已存在")
                row = UserRow(username=username, display_name=display_name.strip(), role=role, password_hash=hashed)
                s.add(row)
                s.flush()
                for unit in _clean_units(units):
                    s.add(UserUnitRow(user_id=row.id, unit=unit))
        except IntegrityError as exc:
            raise InputError(f"账号“{username}”已存在") from exc
        principal = self.principal(username)
        assert principal is not None
        return principal

    def set_password(self, username: str, password: str) -> None:
        hashed = hash_password(password)
        with self._writer.begin() as s:
            row = self._user(s, username)
            row.password_hash = hashed
            s.execute(delete(LoginAttemptRow).where(LoginAttemptRow.username == username))

    def set_units(self, username: str, units: Iterable[str]) -> None:
        with self._writer.begin() as s:
            row = self._user(s, username)
            s.execute(delete(UserUnitRow).where(UserUnitRow.user_id == row.id))
            for unit in _clean_units(units):
                s.add(UserUnitRow(user_id=row.id, unit=unit))

    def set_role(self, username: str, role: str) -> None:
        if role not in ROLES:
            raise InputError(f"角色须为 {'、'.join(ROLES)} 之一，收到“{role}”")
        with self._writer.begin() as s:
            self._user(s, username).role = role

    def set_active(self, username: str, active: bool) -> None:
        with self._writer.begin() as s:
            self._user(s, username).active = active

    def list_users(self) -> list[UserInfo]:
        with self._session() as s:
            units: dict[int, list[str]] = {}
            for uid, unit in s.execute(select(UserUnitRow.user_id, UserUnitRow.unit).order_by(UserUnitRow.id)):
                units.setdefault(uid, []).append(unit)
            return [
                UserInfo(
                    username=r.username,
                    display_name=r.display_name,
                    role=r.role,
                    units=tuple(units.get(r.id, [])),
                    active=r.active,
                    has_password=r.password_hash is not None,
                    created_at=r.created_at,
                )
                for r in s.scalars(select(UserRow).order_by(UserRow.username))
            ]

    def has_users(self) -> bool:
        with self._session() as s:
            return bool(s.scalar(select(func.count(UserRow.id))))

    def principal(self, username: str) -> Principal | None:
        """The active account *username* as a :class:`Principal`, or None."""
        with self._session() as s:
            row = s.scalar(select(UserRow).where(UserRow.username == username.strip()))
            if row is None or not row.active:
                return None
            units = s.scalars(select(UserUnitRow.unit).where(UserUnitRow.user_id == row.id))
            return Principal(row.username, row.display_name, row.role, frozenset(units))

    # ---- sign-in --------------------------------------------------------
    def sign_in(self, username: str, password: str, *, now: datetime | None = None) -> Principal:
        """The account if *password* is right; :class:`SignInError` otherwise.

        After ``max_attempts`` failures within ``window`` the account is refused
        (even with the right password) until the window has passed.
        """
        from .models import utcnow

        now = now or utcnow()
        username = username.strip()
        since = now - self.window
        minutes = max(1, int(self.window.total_seconds() // 60))
        locked = f"登录失败次数过多，该账号已暂时锁定，请 {minutes} 分钟后再试"

        def failures(s) -> int:  # type: ignore[no-untyped-def]
            return s.scalar(select(func.count(LoginAttemptRow.id)).where(
                LoginAttemptRow.username == username, LoginAttemptRow.at >= since)) or 0

        # the password is checked (argon2, ~0.1 s) outside any transaction, then the attempt is
        # recorded in a writer transaction of its own (raising inside it would roll the record
        # back and defeat the limit); the count is taken again there, so parallel guesses
        # cannot pass the limit between the two
        with self._session() as s:
            over = failures(s) >= self.max_attempts
            row = None if over else s.scalar(select(UserRow).where(UserRow.username == username))
            stored, active = (row.password_hash, row.active) if row is not None else (None, False)
        ok = False if over else verify_password(stored, password) and active

        def record() -> str:
            with self._writer.begin() as s:
                if failures(s) >= self.max_attempts:
                    s.add(AuditRow(username=username, action="sign_in_locked", at=now))
                    return locked
                if not ok:
                    s.add(LoginAttemptRow(username=username, at=now))
                    s.add(AuditRow(username=username, action="sign_in_failed", at=now))
                    return "账号或密码不正确"
                s.execute(delete(LoginAttemptRow).where(LoginAttemptRow.username == username))
                s.add(AuditRow(username=username, action="sign_in", at=now))
                return ""

        refusal = retry_locked(record)
        if refusal:
            raise SignInError(refusal)
        principal = self.principal(username)
        if principal is None:
            raise SignInError("账号或密码不正确")
        return principal

    # ---- report owners ------------------------------------------------------
    def set_owner(self, report_id: int, username: str) -> None:
        with self._writer.begin() as s:
            if s.get(ReportOwnerRow, report_id) is None:
                s.add(ReportOwnerRow(report_id=report_id, username=username))

    def owners(self) -> dict[int, str]:
        with self._session() as s:
            return dict(s.execute(select(ReportOwnerRow.report_id, ReportOwnerRow.username)).all())

    def owner(self, report_id: int) -> str | None:
        with self._session() as s:
            row = s.get(ReportOwnerRow, report_id)
            return row.username if row else None

    # ---- audit log ------------------------------------------------------
    def audit(self, username: str, action: str, report_id: int | None = None, detail: str = "") -> None:
        """Append one entry to the audit log."""
        with self._writer.begin() as s:
            s.add(AuditRow(username=username, action=action, report_id=report_id, detail=detail[:500]))

    def read_audit(
        self, *, limit: int = 500, username: str | None = None, report_id: int | None = None
    ) -> list[AuditEntry]:
        """The newest entries first."""
        q = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if username:
            q = q.where(AuditRow.username == username)
        if report_id is not None:
            q = q.where(AuditRow.report_id == report_id)
        with self._session() as s:
            return [AuditEntry(r.at, r.username, r.action, r.report_id, r.detail) for r in s.scalars(q)]

    @staticmethod
    def _user(s, username: str) -> UserRow:  # type: ignore[no-untyped-def]
        row = s.scalar(select(UserRow).where(UserRow.username == username.strip()))
        if row is None:
            raise InputError(f"没有账号“{username}”")
        return row


def _clean_units(units: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for unit in units:
        u = str(unit).strip()
        if u and u not in seen:
            seen.append(u)
    return seen
