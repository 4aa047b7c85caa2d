"""The web app's pages and helpers (Streamlit). Only ``app.py`` and this package import streamlit.

Each tab lives in its own module with a ``render(ctx)`` function; :mod:`.state`
holds the session (which report is open, the form as typed), :mod:`.resources`
the per-process resources (database, retriever, drafting engine).
"""
