"""Who is using the app: local single-user mode, or a signed-in person on a team server.

* ``DRAFTER_AUTH=none`` (default): no sign-in, allowed only while Streamlit listens on
  a loopback address; on any other address the app refuses to serve reports.
* ``DRAFTER_AUTH=password``: a sign-in form; accounts from ``drafter user add`` or the
  管理 tab; failed attempts are rate limited in the database.
* ``DRAFTER_AUTH=header``: the intranet's sign-in gateway puts the account name in
  ``DRAFTER_AUTH_HEADER``; the account must exist here (its role and units come from
  the database).

Started as ``streamlit run app.py``, the signed-in person lives only in this browser
tab's server-side session (a reload asks again). Started as ``streamlit run server.py``
(:mod:`drafter_ui.web_auth`), people sign in on ``/auth/signin`` and the browser keeps
an HttpOnly session cookie checked here on every run. Either way nothing is put in the
page address, and the session ends after ``DRAFTER_SESSION_IDLE_MINUTES`` without use
or ``DRAFTER_SESSION_MAX_HOURS`` after sign-in.
"""

from __future__ import annotations

import ipaddress
import time

import streamlit as st

from drafter.errors import SignInError
from drafter.settings import Settings
from drafter.storage.accounts import ROLES, Principal
from drafter.storage.team import open_accounts, open_web_sessions

from . import web_auth

__all__ = ["current", "is_loopback", "narrow_badge", "require", "sidebar_badge", "sign_out"]

_KEY = "signed_in"


def is_loopback(address: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; False for 0.0.0.0, '' (all interfaces) and the rest."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def current() -> Principal | None:
    """The signed-in person of this session, if any."""
    entry = st.session_state.get(_KEY)
    return entry["who"] if entry else None


def sign_out() -> None:
    entry = st.session_state.pop(_KEY, None)
    if entry:
        open_accounts(entry["settings"]).audit(entry["who"].username, "sign_out")
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def _expired(entry: dict, s: Settings) -> str:
    now = time.time()
    if now - entry["since"] > s.session_max_hours * 3600:
        return "登录已超过最长时限，请重新登录。"
    if now - entry["seen"] > s.session_idle_minutes * 60:
        return f"超过 {s.session_idle_minutes:g} 分钟未操作，已自动退出，请重新登录。"
    return ""


def _remember(who: Principal, s: Settings) -> None:
    now = time.time()
    st.session_state[_KEY] = {"who": who, "since": now, "seen": now, "settings": s}


def _sign_in_form(s: Settings) -> None:
    accounts = open_accounts(s)
    st.markdown("### 干部选拔任用工作报告 · 起草助手")
    if not accounts.has_users():
        st.error(
            "团队服务器还没有任何账号。请管理员在服务器上运行："
            "drafter user add 账号 --role admin，然后刷新本页。"
        )
        _stop()
    _, middle, _ = st.columns([1, 2, 1])  # a narrow form on wide screens; full width on phones
    with middle, st.form("sign_in", clear_on_submit=False):
        st.subheader("登录")
        username = st.text_input("账号", key="signin_user")
        password = st.text_input("密码", type="password", key="signin_password")
        submitted = st.form_submit_button("登录", type="primary")
    if submitted:
        try:
            who = accounts.sign_in(username, password)
        except SignInError as err:
            middle.error(str(err))
        else:
            st.session_state.pop("signin_password", None)
            _remember(who, s)
            st.rerun()
    middle.caption("账号由管理员开通；忘记密码请联系管理员重置。")
    _stop()


def _from_gateway(s: Settings) -> None:
    name = (st.context.headers.get(s.auth_header) or "").strip()
    accounts = open_accounts(s)
    who = accounts.principal(name) if name else None
    if who is None:
        st.error(
            f"没有从单位登录网关得到已开通的账号（请求头 {s.auth_header}"
            + (f" 为“{name}”" if name else " 为空")
            + "）。请通过单位门户进入，或请管理员开通账号。"
        )
        _stop()
    accounts.audit(who.username, "sign_in", None, f"gateway header {s.auth_header}")
    _remember(who, s)


def _from_cookie(s: Settings) -> Principal | None:
    """The person of this browser's session cookie (server.py); else a link to the sign-in page."""
    who, why = open_web_sessions(s).who(st.context.cookies.get(web_auth.COOKIE))
    if who is not None:
        st.session_state[_KEY] = {"who": who, "settings": s}  # for current(); expiry is the server's
        return who
    st.session_state.pop(_KEY, None)
    st.markdown("### 干部选拔任用工作报告 · 起草助手")
    st.warning(why or "请先登录。")
    st.markdown(f'<a href="{web_auth.SIGNIN}" target="_self">前往登录页</a>', unsafe_allow_html=True)
    _stop()
    return None  # not reached


def _stop() -> None:
    """End the run on a sign-in page (no fact-form widgets drawn: they are given the form again)."""
    st.session_state["page_drawn"] = "signin"
    st.stop()


def require(s: Settings) -> Principal | None:
    """None in local mode; otherwise the signed-in person (the page stops until there is one)."""
    if s.auth == "none":
        address = st.get_option("server.address")
        if not is_loopback(address):
            st.error(
                f"本应用正在地址 {address or '（所有网卡）'} 上对外提供服务，但没有开启登录。"
                "为保护各单位的干部信息，未登录的模式只允许在本机（127.0.0.1）使用。"
                "团队使用请设置 DRAFTER_AUTH=password（或 header）并用 drafter user add 开通账号。"
            )
            _stop()
        return None
    if s.auth == "password" and web_auth.active():
        return _from_cookie(s)
    entry = st.session_state.get(_KEY)
    if entry:
        why = _expired(entry, s)
        if not why:
            entry["seen"] = time.time()
            return entry["who"]
        st.session_state.pop(_KEY, None)
        st.warning(why)
    if s.auth == "header":
        _from_gateway(s)
        return current()
    _sign_in_form(s)
    return None  # not reached: the form stops the page


def narrow_badge(who: Principal) -> None:
    """Who is signed in and 退出登录 on the page itself, for narrow screens, where the
    sidebar is collapsed (shown only ≤ 640 px: ``st-key-who_narrow`` in drafter_ui.layout)."""
    with st.container(key="who_narrow", horizontal=True, vertical_alignment="center"):
        st.caption(f"{who.label}（{ROLES.get(who.role, who.role)}）")
        if web_auth.active():
            st.markdown(f'<a href="{web_auth.SIGNOUT}" target="_self">退出登录</a>', unsafe_allow_html=True)
        else:
            st.button("退出登录", key="sign_out_narrow", on_click=sign_out, type="tertiary")


def sidebar_badge(who: Principal) -> None:
    """Who is signed in, and the sign-out button (in the sidebar)."""
    with st.sidebar:
        units = "、".join(sorted(who.units)) or ("全部单位" if who.is_admin else "")
        st.text(f"{who.label}（{ROLES.get(who.role, who.role)}）")
        if units:
            st.caption(f"单位：{units}")
        if web_auth.active():  # the cookie is ended by the server, not by this page
            st.markdown(f'<a href="{web_auth.SIGNOUT}" target="_self">退出登录</a>', unsafe_allow_html=True)
        else:
            st.button("退出登录", key="sign_out", on_click=sign_out, width="stretch")
