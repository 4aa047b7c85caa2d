"""Web app timings: 生成全文 to the last section, server memory, rerun after an edit.

    /work/venv/bin/python bench/app.py

1. A real ``streamlit run app.py`` on 127.0.0.1 with a fresh DRAFTER_HOME (index
   built beforehand), driven by Debian's chromium through Playwright: time from the
   click on 生成全文 to "全文已生成" on screen (first draft in a fresh server
   process, then a second, warm one); the server's RSS after the drafts; time from
   leaving an edited section's text box to "修改已保存" on screen.
2. In process (AppTest): script time of a rerun after editing one section, and how
   many retriever searches / drafting-engine calls that rerun made (should be 0).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from streamlit_server import ARGS, CHROMIUM, serve_app  # noqa: E402  (the tests' way to start the app)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def browser_run(home: Path) -> dict[str, float]:
    from playwright.sync_api import expect, sync_playwright

    out: dict[str, float] = {}
    with serve_app(ROOT, home, home / "streamlit.log") as url:
        proc = url.proc
        out["rss_idle_mb"] = _rss_mb(proc.pid)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1200})
            page.goto(url)
            page.get_by_test_id("stMain").get_by_role("button", name="新建报告").click(timeout=120_000)  # start page
            for label, value in (("单位名称 *", "江城市交通运输局"), ("报告主体 *", "局党组"), ("年度 *", "2025")):
                box = page.get_by_role("textbox", name=label)
                expect(box).to_be_visible(timeout=60_000)
                box.fill(value)
                box.press("Tab")
            expect(page.get_by_text("已自动保存", exact=False)).to_be_visible(timeout=30_000)
            page.get_by_role("tab", name="起草").click()
            for name in ("draft_cold_s", "draft_warm_s"):
                button = page.get_by_role("button", name="生成全文" if name == "draft_cold_s" else "重新生成全文")
                expect(button).to_be_enabled(timeout=30_000)
                if name == "draft_warm_s":
                    expect(page.get_by_text("全文已生成", exact=False)).to_have_count(0, timeout=30_000)
                    button.click()  # 重新生成全文 asks first (issue 13): the timing starts at 确认重新生成
                    button = page.get_by_role("button", name="确认重新生成")
                t0 = time.perf_counter()
                button.click()
                expect(page.get_by_text("全文已生成", exact=False)).to_be_visible(timeout=300_000)
                out[name] = time.perf_counter() - t0
                if name == "draft_cold_s":
                    page.get_by_role("tab", name="检查").click()
                    page.get_by_role("tab", name="起草").click()
            out["rss_after_draft_mb"] = _rss_mb(proc.pid)
            edits = []
            saved = page.get_by_text(re.compile(r"修改已保存为第\d+版"))
            for i in range(3):
                area = page.get_by_role("textbox", name="正文（修改后点击框外即保存为新版本）").last
                area.fill(f"下一步，局党组将继续加强年轻干部培养（第{i + 1}次修改）。")
                t0 = time.perf_counter()
                area.press("Tab")
                expect(saved).to_be_visible(timeout=30_000)
                edits.append(time.perf_counter() - t0)
                page.get_by_role("tab", name="检查").click()  # leave and come back: the message is gone
                page.get_by_role("tab", name="起草").click()
                expect(saved).to_have_count(0, timeout=30_000)
            out["edit_roundtrip_s"] = statistics.median(edits)
            page.screenshot(path=str(home / "bench.png"))
            browser.close()
    return out


def apptest_rerun(home: Path) -> dict[str, float]:
    os.environ["DRAFTER_HOME"] = str(home)
    from streamlit.testing.v1 import AppTest

    from drafter.drafting.engine import DraftEngine
    from drafter.kb.retrieval import HybridRetriever as Retriever
    from drafter.settings import get_settings
    from drafter.storage import Repository, get_engine

    calls = {"search": 0, "engine": 0}
    original = Retriever.search

    def counted(self, *a, **k):  # type: ignore[no-untyped-def]
        calls["search"] += 1
        return original(self, *a, **k)

    Retriever.search = counted  # type: ignore[method-assign]
    for name in ("outline", "draft", "regenerate"):
        fn = getattr(DraftEngine, name)

        def wrap(self, *a, _fn=fn, **k):  # type: ignore[no-untyped-def]
            calls["engine"] += 1
            return _fn(self, *a, **k)

        setattr(DraftEngine, name, wrap)
    repo = Repository(get_engine(get_settings().db_url))
    report = repo.list_reports()[0]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["report"] = str(report.id)  # the report's link (a fresh browser sees the start page)
    at.run()
    at.session_state["nav"] = "起草"
    at.run()
    times = []
    for i in range(5):
        draft = repo.latest_draft(report.id)
        sec = draft.sections[-1]
        calls.update(search=0, engine=0)
        at.text_area(key=f"edit_{draft.id}_{sec.section_id}_{sec.version}").input(f"修改{i}：加强年轻干部培养。")
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
    return {"rerun_s": statistics.median(times), "rerun_max_s": max(times), "rerun_searches": calls["search"],
            "rerun_engine_calls": calls["engine"]}


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="drafter-bench-app-"))
    home = tmp / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRAFTER_")} | {"DRAFTER_HOME": str(home)}
    subprocess.run([sys.executable, "-m", "drafter", "index"], env=env, check=True, capture_output=True)
    try:
        b = browser_run(home)
        a = apptest_rerun(home)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"生成全文 → last section, composer, first draft in a fresh server: {b['draft_cold_s']:.2f} s")
    print(f"生成全文 → last section, composer, warm:                          {b['draft_warm_s']:.2f} s")
    print(f"server RSS idle / after two full drafts:                         {b['rss_idle_mb']:.0f} MB / "
          f"{b['rss_after_draft_mb']:.0f} MB")
    print(f"edit one section → '已保存' on screen (browser, median of 3):    {b['edit_roundtrip_s']:.2f} s")
    print(f"rerun after editing one section (AppTest script time, median of 5): {a['rerun_s'] * 1000:.0f} ms "
          f"(max {a['rerun_max_s'] * 1000:.0f} ms); retriever searches {a['rerun_searches']}, "
          f"engine calls {a['rerun_engine_calls']}")


if __name__ == "__main__":
    main()
