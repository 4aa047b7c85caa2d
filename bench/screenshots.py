"""Regenerate the screenshots of the README and the guides under docs/.

    python bench/screenshots.py            # writes docs/*.png (about two minutes)
    python bench/screenshots.py --out /tmp/shots --width 1024

Starts ``streamlit run app.py`` on 127.0.0.1 with a throwaway DRAFTER_HOME (the
offline defaults: composer, bundled knowledge base, SQLite), drives Debian's
chromium through Playwright as a writer would — 署名 王敏, 新建报告, import the
sample sheet ``examples/facts.yaml``, 生成全文, 检查 — then, as a reviewer, puts
the five bundled sample reports through the 审核 tab. Nothing is downloaded and
nothing leaves the machine. Needs /usr/bin/chromium and fonts-noto-cjk.

Writes (under ``--out``, default docs/):

- ``app-screenshot.png``   the 起草 tab after a full draft (README)
- ``writer-start.png``     the start page (docs/writer.md)
- ``writer-facts.png``     数据填报 after importing the sample sheet (docs/writer.md)
- ``writer-checks.png``    检查 with the draft's findings (docs/writer.md)
- ``reviewer-desk.png``    审核 with the five sample reports checked (docs/reviewer.md)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from streamlit_server import ARGS, CHROMIUM, serve_app  # noqa: E402  (the tests' way to start the app)

AUTHOR = "王敏"
SHEET = ROOT / "examples" / "facts.yaml"
SAMPLES = sorted((ROOT / "knowledge" / "reports").glob("*.txt"))


def _idle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the app is not running a script (a click during a run may be lost)."""
    page.wait_for_timeout(400)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=180_000)


def _shoot(page, path: Path, at=None) -> None:  # type: ignore[no-untyped-def]
    """The visible window (the app scrolls inside its main area): the top of the page, or
    scrolled so that the element ``at`` is at the top."""
    _idle(page)
    page.wait_for_timeout(1500)  # the last rerun's faded elements come back
    _idle(page)
    if at is None:
        page.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollTo(0, 0)")
    else:
        at.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(600)
    page.screenshot(path=str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def shoot(out: Path, width: int, height: int) -> None:
    from playwright.sync_api import expect, sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="drafter-shots-") as tmp:
        home = Path(tmp) / ".drafter"
        with serve_app(ROOT, home, Path(tmp) / "streamlit.log") as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
            try:
                page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
                page.goto(url)
                main = page.get_by_test_id("stMain")
                # the start page: 署名 once, then 新建报告
                name = page.get_by_role("textbox", name="您的署名", exact=False)
                expect(name).to_be_visible(timeout=120_000)
                name.fill(AUTHOR)
                name.press("Tab")
                expect(name).to_have_count(0, timeout=30_000)
                # the knowledge base loads in the background on the first page load: wait for it
                for busy in ("正在检查知识库索引", "正在载入知识库", "正在建立"):
                    expect(main.get_by_text(busy, exact=False)).to_have_count(0, timeout=300_000)
                expect(page.locator("[data-testid=stProgress]")).to_have_count(0, timeout=300_000)
                _shoot(page, out / "writer-start.png")
                main.get_by_role("button", name="新建报告").click()
                expect(page.get_by_role("textbox", name="单位名称 *")).to_be_visible(timeout=60_000)

                # 数据填报: import the sample sheet
                page.get_by_text("导入 / 导出数据表", exact=False).click()
                page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(str(SHEET))
                expect(page.get_by_text(f"已导入 {SHEET.name}", exact=False)).to_be_visible(timeout=60_000)
                page.get_by_text("导入 / 导出数据表", exact=False).click()  # fold it again
                _shoot(page, out / "writer-facts.png")

                # 起草: 生成全文
                page.get_by_role("tab", name="起草").click()
                button = page.get_by_role("button", name="生成全文")
                expect(button).to_be_enabled(timeout=60_000)
                button.click()
                expect(page.get_by_text("全文已生成", exact=False)).to_be_visible(timeout=300_000)
                expect(main.get_by_text(AUTHOR, exact=False).first).to_be_visible(timeout=30_000)
                _idle(page)
                if page.get_by_role("button", name="保存提纲").is_visible():
                    page.get_by_text("提纲（起草前可修改）").click()  # fold the outline: the sections show
                _shoot(page, out / "app-screenshot.png")

                # 检查
                page.get_by_role("tab", name="检查").click()
                expect(main.get_by_text("查重", exact=False).first).to_be_visible(timeout=120_000)
                _shoot(page, out / "writer-checks.png")

                # 审核: the five bundled samples as one batch
                page.get_by_role("tab", name="审核").click()
                batch = page.get_by_role("textbox", name="批次名称")
                expect(batch).to_be_visible(timeout=60_000)
                batch.fill("2025年度各单位报告")
                batch.press("Tab")
                _idle(page)
                page.get_by_role("button", name="新建", exact=True).click()
                upload = page.locator("[data-testid=stFileUploaderDropzoneInput]").first
                expect(upload).to_be_attached(timeout=60_000)
                upload.set_input_files([str(s) for s in SAMPLES])
                start = page.get_by_role("button", name="开始审核")
                expect(start).to_be_enabled(timeout=60_000)
                start.click()
                expect(page.get_by_role("button", name="下载审核表 .xlsx")).to_be_visible(timeout=300_000)
                # come back to it as a reviewer would later: the batch is saved (and nothing is left faded)
                page.reload()
                page.get_by_role("tab", name="审核").click()
                expect(page.get_by_role("button", name="下载审核表 .xlsx")).to_be_visible(timeout=120_000)
                page.set_viewport_size({"width": width, "height": height + 200})  # the table, whole
                _shoot(page, out / "reviewer-desk.png", at=main.get_by_text("审核：批量审核各单位报告").first)
            finally:
                browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs (default docs/)")
    ap.add_argument("--width", type=int, default=1440)
    ap.add_argument("--height", type=int, default=1000)
    args = ap.parse_args()
    if not CHROMIUM.exists():
        sys.exit("needs /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)")
    shoot(args.out.resolve(), args.width, args.height)


if __name__ == "__main__":
    main()
