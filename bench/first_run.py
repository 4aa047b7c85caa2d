"""The app's first run on a fresh DRAFTER_HOME: server start → first full draft on screen.

    /work/venv/bin/python bench/first_run.py [--shots DIR]

Starts ``streamlit run app.py`` with an empty DRAFTER_HOME (no index), opens the
page in Debian's chromium (Playwright), fills the three required fields like a
writer, goes to 起草 and clicks 生成全文 as soon as it is enabled, and waits for
“全文已生成”. Prints the times from the server start: page up, first progress shown,
click, full draft on screen (warm drafts: ``bench/app.py``). With ``--shots`` it saves
screenshots of the progress at 1440, 1024 and 390 px wide.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from streamlit_server import ARGS, CHROMIUM, serve_app  # noqa: E402  (the tests' way to start the app)


def run(home: Path, shots: Path | None) -> dict[str, float]:
    from playwright.sync_api import expect, sync_playwright

    home.mkdir(parents=True, exist_ok=True)
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    with serve_app(ROOT, home, home / "streamlit.log") as url:
        out["server_up_s"] = time.perf_counter() - t0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(url)
            progress = page.get_by_text("知识库", exact=False).first
            # a fresh browser opens on the start page: the writer clicks 新建报告
            page.get_by_test_id("stMain").get_by_role("button", name="新建报告").click(timeout=120_000)
            expect(page.get_by_role("textbox", name="单位名称 *")).to_be_visible(timeout=120_000)
            out["page_up_s"] = time.perf_counter() - t0
            try:
                expect(page.get_by_text("正在", exact=False).first).to_be_visible(timeout=5_000)
                out["progress_seen_s"] = time.perf_counter() - t0
            except AssertionError:
                out["progress_seen_s"] = float("nan")
            if shots is not None:
                shots.mkdir(parents=True, exist_ok=True)
                for width in (1440, 1024, 390):
                    page.set_viewport_size({"width": width, "height": 900})
                    page.screenshot(path=str(shots / f"first_run_{width}.png"))
                page.set_viewport_size({"width": 1440, "height": 1000})
            del progress
            for label, value in (("单位名称 *", "江城市交通运输局"), ("报告主体 *", "局党组"), ("年度 *", "2025")):
                box = page.get_by_role("textbox", name=label)
                box.fill(value)
                box.press("Tab")
            expect(page.get_by_text("已自动保存", exact=False)).to_be_visible(timeout=60_000)
            page.get_by_role("tab", name="起草").click()
            if shots is not None:
                page.screenshot(path=str(shots / "first_run_draft_tab_1440.png"))
            button = page.get_by_role("button", name="生成全文")
            expect(button).to_be_enabled(timeout=60_000)
            out["click_s"] = time.perf_counter() - t0
            button.click()
            expect(page.get_by_text("全文已生成", exact=False)).to_be_visible(timeout=900_000)
            out["first_draft_on_screen_s"] = time.perf_counter() - t0
            if shots is not None:
                page.screenshot(path=str(shots / "first_run_done_1440.png"))
            browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shots", type=Path)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="drafter-first-run-"))
    try:
        r = run(tmp / "home", args.shots)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for k, v in r.items():
        print(f"{k}: {v:.1f} s")


if __name__ == "__main__":
    main()
