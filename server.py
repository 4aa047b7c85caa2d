"""The team server: the app plus a sign-in page whose sign-in survives a reload.

    DRAFTER_AUTH=password streamlit run server.py --server.address 0.0.0.0

Runs ``app.py`` through Streamlit's ASGI ``st.App`` with the routes of
``drafter_ui/web_auth.py``: people sign in on ``/auth/signin`` and the browser keeps
an HttpOnly, SameSite=Strict session cookie. ``streamlit run app.py`` (one person on
this machine, or a team server without the cookie) is unchanged.
"""

import streamlit as st

from drafter_ui import web_auth

app = st.App("app.py", routes=web_auth.routes(), middleware=web_auth.middleware())
