"""管理 tab (admins of a team server): accounts, their units and roles, and the audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from drafter.errors import DrafterError
from drafter.storage.accounts import ACTIONS, ROLES, Principal
from drafter.storage.team import open_accounts

from ..state import Ctx
from ..widgets.highlight import local_time

__all__ = ["render"]


def _units(raw: str) -> list[str]:
    return [u.strip() for u in raw.replace("，", ",").replace("、", ",").split(",") if u.strip()]


def _add_user_form(ctx: Ctx, who: Principal) -> None:
    accounts = open_accounts(ctx.settings)
    with st.form("add_user", clear_on_submit=True):
        st.markdown("**开通账号**")
        c1, c2, c3 = st.columns(3)
        username = c1.text_input("账号")
        name = c2.text_input("姓名（署名）")
        role = c3.selectbox("角色", list(ROLES), format_func=lambda r: ROLES[r])
        units = st.text_input("单位（多个用逗号分隔；撰写人填本单位，审核人填负责的单位）")
        password = st.text_input("初始密码（至少8位）", type="password")
        if st.form_submit_button("开通"):
            try:
                made = accounts.add_user(username, password, role=role, units=_units(units), display_name=name)
            except DrafterError as err:
                st.error(str(err))
            else:
                accounts.audit(who.username, "user_add", None, f"{made.username} {made.role}")
                st.success(f"已开通 {made.username}（{ROLES[made.role]}）")


def _edit_user_form(ctx: Ctx, who: Principal, usernames: list[str]) -> None:
    accounts = open_accounts(ctx.settings)
    with st.form("edit_user"):
        st.markdown("**修改账号**")
        c1, c2 = st.columns(2)
        username = c1.selectbox("账号", usernames)
        action = c2.selectbox(
            "操作", ["user_units", "user_role", "user_password", "user_disable", "user_enable"],
            format_func=lambda a: ACTIONS[a],
        )
        value = st.text_input("新值（单位用逗号分隔；角色填 writer / reviewer / admin；或新密码）")
        if st.form_submit_button("执行"):
            try:
                if action == "user_units":
                    accounts.set_units(username, _units(value))
                elif action == "user_role":
                    accounts.set_role(username, value.strip())
                elif action == "user_password":
                    accounts.set_password(username, value)
                else:
                    accounts.set_active(username, action == "user_enable")
            except DrafterError as err:
                st.error(str(err))
            else:
                detail = username if action == "user_password" else f"{username}: {value}"
                accounts.audit(who.username, action, None, detail)
                st.success(f"已{ACTIONS[action]}：{username}")


def render(ctx: Ctx, who: Principal) -> None:
    accounts = open_accounts(ctx.settings)
    users = accounts.list_users()
    st.markdown("**账号**")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "账号": u.username,
                    "姓名": u.display_name,
                    "角色": ROLES.get(u.role, u.role),
                    "单位": "、".join(u.units),
                    "状态": "正常" if u.active else "已停用",
                }
                for u in users
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    _add_user_form(ctx, who)
    if users:
        _edit_user_form(ctx, who, [u.username for u in users])
    st.markdown("**审计日志**（最近200条，只增不改）")
    entries = accounts.read_audit(limit=200)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "时间": local_time(e.at),
                    "账号": e.username,
                    "操作": ACTIONS.get(e.action, e.action),
                    "报告": "" if e.report_id is None else str(e.report_id),
                    "说明": e.detail,
                }
                for e in entries
            ]
        ),
        hide_index=True,
        width="stretch",
    )
