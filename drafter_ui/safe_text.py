"""User and document text shown as text: never as Markdown that makes the browser fetch.

Streamlit renders Markdown in ``st.markdown``, ``st.caption``, ``st.write``, the
message boxes (``st.error`` …), ``st.subheader`` and in widget labels (button,
expander, radio). A unit name, an author (``?by=``), an upload's file name or a
sentence of an uploaded document holding ``![](http://elsewhere/beacon.png)`` would
make every viewer's browser call that host. Everything the user or a document
wrote goes through :func:`md` (or :func:`say` for message boxes), which

* escapes every Markdown and HTML special character, ``&`` included (so entities
  such as ``&#58;&#47;`` show as typed instead of decoding to ``:/``);
* masks API keys and token-shaped strings (:func:`drafter.text.redact.redact`);
* drops control characters (``\\x0b``, NUL …) that would break the page.

:func:`install_csp` adds a Content-Security-Policy ``<meta>`` to the page head as a
second line of defence: images, media, fonts, frames and connections only from the
app itself (Streamlit has no setting for response headers; a team server's reverse
proxy should send the same policy as a header).
"""

from __future__ import annotations

import re
from typing import Any

from drafter.text.redact import redact
from drafter.text.textsafe import clean_control

__all__ = ["CSP", "csp_for", "install_csp", "md", "md_code", "say"]

#: Characters that start Markdown or HTML anywhere in a line.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|>~<$&])")
#: Characters that start Markdown only at the start of a line (lists, headings' underlines).
_MD_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))", re.M)

#: What the page may load: only from the app (plus inline data Streamlit itself uses).
#: ``{ws}`` is the app's own WebSocket origin (``ws://host:port``, ``wss://`` behind HTTPS),
#: filled in from the page's address: connections go to this origin only, never to any host.
CSP = (
    "default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; "
    "img-src 'self' data: blob:; media-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self' {ws}; frame-src 'self' data: blob:; object-src 'none'; "
    "form-action 'self'; base-uri 'self'"
)


def csp_for(host: str, secure: bool) -> str:
    """:data:`CSP` for the app served at ``host`` (``127.0.0.1:8501``), over HTTPS or not
    (a host that is not a plain name or address gets no WebSocket source beyond ``'self'``)."""
    ws = f"{'wss' if secure else 'ws'}://{host}" if re.fullmatch(r"[A-Za-z0-9.\-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?", host) else ""
    return CSP.replace(" {ws}", f" {ws}" if ws else "")


def md(text: Any) -> str:
    """``text`` shown literally by any Markdown-rendering Streamlit call; line breaks kept."""
    clean = clean_control(redact("" if text is None else str(text)))
    escaped = _MD_LINE_START.sub(_line_start, _MD_SPECIAL.sub(r"\\\1", clean))
    return escaped.replace("\n", "  \n")


def _line_start(m: re.Match[str]) -> str:
    mark = m.group(2)
    return m.group(1) + (mark + "\\" if mark[0].isdigit() else "\\" + mark)


def md_code(text: Any) -> str:
    """:func:`md`, except that a `backticked` part becomes a code span (an address the app
    names, shown whole and never turned into a link with the words after it).

    Safe for any text: a code span shows its content literally (no link, image or HTML),
    everything outside one is escaped by :func:`md`; an unpaired backtick stays text.
    """
    parts = ("" if text is None else str(text)).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: the last one is text
        parts[-2:] = [parts[-2] + "`" + parts[-1]]
    out = []
    for i, part in enumerate(parts):
        code = clean_control(redact(part)).replace("\n", " ").strip()
        out.append(f"`{code}`" if i % 2 and code else md(part))
    return "".join(out)


def say(kind: str, text: Any, target: Any = None, *, code: bool = False) -> None:
    """``st.<kind>(text)`` (``error``, ``warning``, ``info``, ``success``) with ``text`` escaped;
    line breaks kept; with ``code``, `backticked` parts shown as code (:func:`md_code`)."""
    import streamlit as st

    getattr(target if target is not None else st, kind)(md_code(text) if code else md(text))


_CSP_SCRIPT = """
<script>
(function () {
  var head = document.head || (window.parent && window.parent.document.head);
  if (!head || head.querySelector('meta[http-equiv="Content-Security-Policy"]')) return;
  var loc = (window.parent && window.parent.location) || window.location;
  var ws = (loc.protocol === 'https:' ? 'wss://' : 'ws://') + loc.host;
  var meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = %r.replace('{ws}', ws);
  head.insertBefore(meta, head.firstChild);
})();
</script>
"""


def install_csp() -> None:
    """Put :data:`CSP` into the page head once per page load (JavaScript via ``st.html``)."""
    import streamlit as st

    st.html(_CSP_SCRIPT % CSP, unsafe_allow_javascript=True)
