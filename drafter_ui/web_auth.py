"""The team server's sign-in page and its cookie (``streamlit run server.py``).

Streamlit's script cannot set a cookie, so a sign-in kept only in the page's
session was lost on every reload. ``server.py`` runs the same app through
Streamlit's ASGI ``st.App`` with these routes:

* ``GET /auth/signin`` — a plain sign-in page (Chinese), with a one-use form token
  in a ``SameSite=Strict`` cookie (double submit: a form posted from another site
  is refused). The token is also remembered by this process and used up by the
  first post that carries it: a replayed post (token and cookie captured once)
  cannot start a second session;
* ``POST /auth/signin`` — checks the account (the same rate limit as the in-app
  form), starts a session (:mod:`drafter.storage.web_sessions`) and sets the
  ``drafter_session`` cookie: ``HttpOnly`` (no script can read it), ``SameSite=Strict``,
  ``Secure`` behind HTTPS, ``Path=/``, no longer than ``session_max_hours``;
* ``GET /auth/signout`` — ends the session and clears the cookie.

Opening the app without a valid session redirects to the sign-in page (the
middleware); the page itself checks the cookie again on every run
(:func:`drafter_ui.auth_gate.require`), so nothing is served on the middleware's
word alone. Nothing secret is put in the page address.
"""

from __future__ import annotations

import html
import secrets
import threading
import time
from typing import Any

from drafter.errors import SignInError
from drafter.settings import get_settings
from drafter.storage.passwords import MAX_LENGTH
from drafter.storage.team import open_accounts, open_web_sessions

from .safe_text import csp_for

__all__ = ["COOKIE", "SIGNIN", "SIGNOUT", "active", "middleware", "routes"]

COOKIE = "drafter_session"
_FORM_COOKIE = "drafter_signin_form"
SIGNIN = "/auth/signin"
SIGNOUT = "/auth/signout"
_active = False
#: The sign-in page loads nothing and posts only to itself.
SIGNIN_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)

#: Form tokens handed out and not yet used: token → when it stops being accepted.
_ISSUED: dict[str, float] = {}
_ISSUED_LOCK = threading.Lock()
_TOKEN_SECONDS = 3600
_MAX_ISSUED = 20_000


def _issue_token() -> str:
    token = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _ISSUED_LOCK:
        if len(_ISSUED) >= _MAX_ISSUED:  # forget the expired ones, then the oldest
            for old in [t for t, until in _ISSUED.items() if until < now] or list(_ISSUED)[: _MAX_ISSUED // 10]:
                _ISSUED.pop(old, None)
        _ISSUED[token] = now + _TOKEN_SECONDS
    return token


def _use_token(token: str) -> bool:
    """True the first time a token handed out by this process (and not expired) comes back."""
    with _ISSUED_LOCK:
        until = _ISSUED.pop(token, None)
    return until is not None and until >= time.monotonic()


def active() -> bool:
    """Whether this process serves the sign-in page (started through ``server.py``)."""
    return _active


def _page(message: str = "", username: str = "", status: int = 200) -> Any:
    from starlette.responses import HTMLResponse

    form_token = _issue_token()
    note = f'<p class="err">{html.escape(message)}</p>' if message else ""
    body = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · 干部选拔任用工作报告 · 起草助手</title>
<style>
body{{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;background:#f6f6f4;margin:0}}
main{{max-width:360px;margin:12vh auto;padding:28px;background:#fff;border:1px solid #ddd;border-radius:8px}}
h1{{font-size:20px;margin:0 0 20px}} label{{display:block;margin:14px 0 6px;color:#333}}
input{{width:100%;box-sizing:border-box;padding:9px;font-size:16px;border:1px solid #bbb;border-radius:6px}}
button{{margin-top:20px;width:100%;padding:10px;font-size:16px;background:#c0392b;color:#fff;border:0;border-radius:6px}}
.err{{color:#b00020}} .note{{color:#777;font-size:13px;margin-top:16px}}
</style></head><body><main>
<h1>干部选拔任用工作报告 · 起草助手</h1>
{note}
<form method="post" action="{SIGNIN}">
<input type="hidden" name="form_token" value="{form_token}">
<label for="username">账号</label><input id="username" name="username" autocomplete="username" value="{html.escape(username)}" required>
<label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password" maxlength="{MAX_LENGTH}" required>
<button type="submit">登录</button>
</form>
<p class="note">账号由管理员开通；忘记密码请联系管理员重置。</p>
</main></body></html>"""
    response = HTMLResponse(body, status_code=status,
                            headers={"Cache-Control": "no-store", "Content-Security-Policy": SIGNIN_CSP})
    response.set_cookie(_FORM_COOKIE, form_token, httponly=True, samesite="strict", path=SIGNIN)
    return response


def _secure(request: Any) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


async def _signin(request: Any) -> Any:
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import RedirectResponse

    s = get_settings()
    if request.method == "GET":
        who, _ = await run_in_threadpool(open_web_sessions(s).who, request.cookies.get(COOKIE))
        if who is not None:
            return RedirectResponse("/", status_code=303)
        return _page()
    form = await request.form()
    username = str(form.get("username") or "")[:200]
    password = str(form.get("password") or "")[:MAX_LENGTH]
    token = str(form.get("form_token") or "")
    expected = request.cookies.get(_FORM_COOKIE) or ""
    if not token or not secrets.compare_digest(token, expected) or not _use_token(token):
        return _page("页面已过期，请重新输入账号和密码。", username, status=400)
    try:
        who = await run_in_threadpool(open_accounts(s).sign_in, username, password)
    except SignInError as err:
        return _page(str(err), username, status=401)
    session = await run_in_threadpool(open_web_sessions(s).start, who.username)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        COOKIE, session, httponly=True, samesite="strict", secure=_secure(request), path="/",
        max_age=int(s.session_max_hours * 3600),
    )
    response.delete_cookie(_FORM_COOKIE, path=SIGNIN)
    return response


async def _signout(request: Any) -> Any:
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import RedirectResponse

    s = get_settings()
    username = await run_in_threadpool(open_web_sessions(s).end, request.cookies.get(COOKIE))
    if username:
        await run_in_threadpool(open_accounts(s).audit, username, "sign_out")
    response = RedirectResponse(SIGNIN, status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


#: Before the app's script loads: Streamlit's English skip link stays out of sight unless focused.
_EARLY_STYLE = (
    b"<style>[data-testid=stSkipToContent]:not(:focus){position:absolute;left:-10000px;"
    b"width:1px;height:1px;overflow:hidden}</style>"
)


class _RequireSignIn:
    """Send a browser without a valid session from the app's page to the sign-in page; the
    app's page itself goes out with the Content-Security-Policy as a header (connections to
    this server's own origin only)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("method") == "GET" and scope.get("path") == "/":
            from starlette.concurrency import run_in_threadpool
            from starlette.requests import Request
            from starlette.responses import RedirectResponse

            s = get_settings()
            if s.auth == "password":
                who, _ = await run_in_threadpool(open_web_sessions(s).who, Request(scope).cookies.get(COOKIE))
                if who is None:
                    await RedirectResponse(SIGNIN, status_code=303)(scope, receive, send)
                    return
            request = Request(scope)
            policy = csp_for(request.headers.get("host") or "", _secure(request)).encode("latin-1", "replace")

            start: dict[str, Any] = {}
            body: list[bytes] = []

            async def with_csp(message: Any) -> None:
                # the page as one piece: the CSP header, and Streamlit's skip link hidden (and the
                # page marked Chinese) before its script and the app's own translations load
                if message["type"] == "http.response.start":
                    start.update(message)
                    return
                body.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                page = b"".join(body)
                if b"</head>" in page:
                    page = page.replace(b"</head>", _EARLY_STYLE + b"</head>", 1).replace(b'<html lang="en"', b'<html lang="zh-CN"', 1)
                headers = [h for h in start.get("headers", [])
                           if h[0].lower() not in (b"content-security-policy", b"content-length")]
                headers += [(b"content-security-policy", policy), (b"content-length", str(len(page)).encode())]
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": page})

            await self.app(scope, receive, with_csp)
            return
        await self.app(scope, receive, send)


def routes() -> list[Any]:
    """The sign-in routes (and mark this process as serving them)."""
    global _active
    from starlette.routing import Route

    _active = True
    return [Route(SIGNIN, _signin, methods=["GET", "POST"]), Route(SIGNOUT, _signout, methods=["GET"])]


def middleware() -> list[Any]:
    from starlette.middleware import Middleware

    return [Middleware(_RequireSignIn)]
