"""Drive the app once with AppTest and print what the writer sees, as JSON (for limited runs).

    python app_probe.py import FILE        # 数据填报 › 导入数据表
    python app_probe.py kb                 # open the 知识库 tab
    python app_probe.py draft [REPORT]     # open the 起草 tab (of report REPORT), make the .docx

DRAFTER_HOME must be set. Output: ``{"exception": [...], "messages": [...], ...}``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _seen(at: AppTest) -> dict[str, Any]:
    messages = [e.value for kind in ("success", "info", "warning", "error") for e in getattr(at, kind)]
    return {
        "exception": [str(e.value) for e in at.exception],
        "messages": messages,
        "markdown": [m.value for m in at.markdown],
        "captions": [c.value for c in at.caption],
        "text_areas": {str(t.key): t.value for t in at.text_area},
    }


def _page(at: AppTest) -> dict[str, Any]:
    """What is on the page, for a failure's message: uploaders, the open tab, the start page."""
    ss = at.session_state
    return {
        "uploaders": [str(u.key) for u in at.file_uploader],
        "nav": ss["nav"] if "nav" in ss else None,
        "start": ss["start"] if "start" in ss else None,
        "imported": len(ss["imported"]) if "imported" in ss else 0,
        "progress": [str(p.value) for p in at.get("progress")],
    }


def main(argv: list[str]) -> dict[str, Any]:
    what = argv[0]
    at = AppTest.from_file(APP, default_timeout=180)
    if what == "draft" and len(argv) > 1:
        at.query_params["report"] = argv[1]  # read on the session's first run
    at.run()
    if not (what == "draft" and len(argv) > 1):
        start = [b for b in at.button if b.key == "new_report"]
        if start and not at.file_uploader:  # the start page: open a new report to get the tabs
            start[0].click().run()
    if what == "import":
        path = Path(argv[1])
        # the 数据表 import by its key (never “the first uploader on the page”)
        box = [u for u in at.file_uploader if str(u.key or "").startswith("yaml_upload_")]
        if not box:
            raise SystemExit(f"no 导入数据表 box on the page: {_page(at)}")
        box[0].set_value((path.name, path.read_bytes(), "application/x-yaml")).run()
        out = _seen(at)
        out["form"] = at.session_state["form"] if "form" in at.session_state else None
        out["page"] = _page(at) | {"uploaded_into": box[0].key}
        return out
    if what in ("kb", "draft"):
        at.session_state["nav"] = {"kb": "知识库", "draft": "起草"}[what]
        at.run()
        out = _seen(at)
        if what == "draft":
            buttons = [b for b in at.button if b.key == "make_docx"]
            if buttons:
                buttons[0].click().run()
                out["exception"] += [str(e.value) for e in at.exception]
                out["docx_offered"] = any(d.key == "dl_docx" for d in at.get("download_button"))
                out["after_export"] = _seen(at)
        return out
    raise SystemExit(f"unknown probe {what}")


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:]), ensure_ascii=False, default=str), flush=True)
    # what the writer saw is printed; end here. The app's knowledge base may still be loading in a
    # background thread inside native code, and tearing the interpreter down under it can abort the
    # process (CI: exit -6 after the right output, 2026-12-02) — a probe artefact, not a page fault
    sys.stderr.flush()
    os._exit(0)
