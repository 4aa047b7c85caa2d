"""Render a .docx to PDF and PNG pages with LibreOffice headless and poppler.

    python bench/render_docx.py OUT.docx [--outdir DIR] [--dpi 60] [--pages 2]

Prints the PNG paths. Needs ``soffice`` (Debian: libreoffice-writer) and
``pdftoppm`` (poppler-utils). Without 仿宋/黑体/楷体 installed LibreOffice substitutes
a CJK font (e.g. Noto CJK from fonts-noto-cjk): the layout is right, the typefaces
differ from what Word shows on a machine with the GB/T 9704 fonts. For the render
only (the .docx is not touched), a temporary fontconfig file maps 黑体 to Noto Sans
CJK and the 宋/仿宋/楷 names to Noto Serif CJK so headings stay distinguishable;
``--no-aliases`` renders with the system's own substitution.

A sample draft can be exported first with::

    drafter export knowledge/reports/000_….txt -o /tmp/sample.docx --force --unit XX局党组 --date 2026-01-05
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_ALIASES = {
    "黑体": "Noto Sans CJK SC",
    "方正小标宋简体": "Noto Serif CJK SC",
    "仿宋_GB2312": "Noto Serif CJK SC",
    "楷体_GB2312": "Noto Serif CJK SC",
    "宋体": "Noto Serif CJK SC",
}


def _fontconfig(directory: Path) -> dict[str, str]:
    """Environment for a fontconfig file that maps the GB/T 9704 font names to Noto CJK."""
    system = Path("/etc/fonts/fonts.conf")
    if not system.is_file():
        return {}
    aliases = "".join(
        f'<alias binding="same"><family>{name}</family><prefer><family>{noto}</family></prefer></alias>'
        for name, noto in _ALIASES.items()
    )
    conf = directory / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">{system}</include>{aliases}</fontconfig>',
        encoding="utf-8",
    )
    return {"FONTCONFIG_FILE": str(conf)}


def render(
    docx: Path, outdir: Path, *, dpi: int = 60, pages: int | None = None, aliases: bool = True
) -> list[Path]:
    """Convert ``docx`` to ``outdir/<stem>.pdf`` and ``outdir/<stem>-N.png``; returns the PNGs."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm = shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        raise SystemExit(
            "需要 LibreOffice 和 poppler：apt-get install -y libreoffice-writer poppler-utils fonts-noto-cjk"
        )
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        env = dict(os.environ) | (_fontconfig(Path(profile)) if aliases else {})
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                str(docx),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=180,
            env=env,
        )
    pdf = outdir / (docx.stem + ".pdf")
    cmd = [pdftoppm, "-png", "-r", str(dpi)]
    if pages:
        cmd += ["-f", "1", "-l", str(pages)]
    subprocess.run(cmd + [str(pdf), str(outdir / docx.stem)], check=True, timeout=120)
    return sorted(outdir.glob(f"{docx.stem}-*.png"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docx", type=Path)
    parser.add_argument("--outdir", type=Path, default=None, help="default: beside the .docx")
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--pages", type=int, default=None, help="render only the first N pages")
    parser.add_argument("--no-aliases", action="store_true", help="use the system's font substitution")
    args = parser.parse_args(argv)
    for png in render(
        args.docx, args.outdir or args.docx.parent, dpi=args.dpi, pages=args.pages, aliases=not args.no_aliases
    ):
        print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
