"""The frame lines of a report text: title, 主送, 特此报告, 落款, date — not body.

A report read back from Word (where the title may be broken over two lines, and the
落款 and date stand under the text) is split into its frame and its body, so the
body's sections compare with the draft's and the frame is reported on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .doctree import normalize_newlines
from .frame import DATE_MISSING

__all__ = ["Frame", "split_frame"]


def normalise(text: str) -> str:
    """Letters, digits and Chinese characters only (for comparing frame lines)."""
    return "".join(c for c in text if c.isalnum()).lower()

_DATE_LINE = re.compile(r"^\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*[\d〇○零一二三四五六七八九十]{1,3}\s*月\s*[\d〇○零一二三四五六七八九十]{1,3}\s*日\s*$")
_SIGN_END = re.compile(r"(?:党组|党委|党工委|委员会|常委会|县委|市委|区委|镇委|组织部|局|办公室|公司|集团|大学|学院|医院|中心)$")
_SALUTATION = re.compile(r"^[^。，；]{2,40}[：:]$")
_CLOSING = re.compile(r"^\s*(?:特此报告|以上报告，?请审阅|请审阅)[。！]?\s*$")
_SENTENCE_PUNCT = re.compile(r"[。，；！？、：:]")


@dataclass
class Frame:
    """What surrounds the body: title, 主送, closing phrase, 落款, date (as found)."""

    title: str = ""
    salutation: str = ""
    closing: str = ""
    signer: str = ""
    date: str = ""
    #: every line taken as frame, as written
    lines: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title, "salutation": self.salutation, "closing": self.closing,
                "signer": self.signer, "date": self.date}


def split_frame(text: str, *, title: str = "", signers: tuple[str, ...] = ()) -> tuple[str, Frame]:
    """The text without its frame lines, and the frame found.

    ``title`` is the draft's title (the edited file may break it over lines);
    ``signers`` names the 落款 bodies expected (the sheet's signer, the draft's).
    """
    lines = [ln.strip() for ln in normalize_newlines(text).split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    frame = Frame()
    # the title: one line, or several joined that make the draft's title
    want = normalise(title)
    if lines:
        taken = 0
        if want:
            acc = ""
            for k, ln in enumerate(lines[:4]):
                acc += normalise(ln)
                if acc == want:
                    taken = k + 1
                    break
                if not want.startswith(acc):
                    break
        if not taken and not _SENTENCE_PUNCT.search(lines[0]) and not re.match(r"^[一二三四五六七八九十]+、", lines[0]):
            taken = 1
            if len(lines) > 1 and lines[1] and not _SENTENCE_PUNCT.search(lines[1]) and len(lines[1]) <= 30 \
                    and not re.match(r"^[一二三四五六七八九十（]", lines[1]) and "报告" in lines[1]:
                taken = 2
        frame.title = "".join(lines[:taken])
        frame.lines += lines[:taken]
        lines = lines[taken:]
    while lines and not lines[0]:
        lines.pop(0)
    if lines and _SALUTATION.match(lines[0]) and not re.match(r"^[一二三四五六七八九十]+、", lines[0]):
        frame.salutation = lines.pop(0)
        frame.lines.append(frame.salutation)
    # the tail: date, 落款, 特此报告 (in any order, blank lines between)
    signer_norms = {normalise(s) for s in signers if s}
    while lines:
        last = lines[-1]
        if not last:
            lines.pop()
            continue
        # a date, or the 〔待补：成文日期〕 marker a draft without one carries in its place
        if (_DATE_LINE.match(last) or last == DATE_MISSING) and not frame.date:
            frame.date = lines.pop()
            frame.lines.append(frame.date)
            continue
        n = normalise(last)
        if frame.signer and n == normalise(frame.signer):  # the 落款 written twice (text and export)
            frame.lines.append(lines.pop())
            continue
        if not frame.signer and (n in signer_norms or (
                len(last) <= 30 and not _SENTENCE_PUNCT.search(last) and _SIGN_END.search(last)
                and not re.match(r"^[一二三四五六七八九十（(\d]", last))):
            frame.signer = lines.pop()
            frame.lines.append(frame.signer)
            continue
        if _CLOSING.match(last) and not frame.closing:
            frame.closing = lines.pop()
            frame.lines.append(frame.closing)
            continue
        break
    body = "\n".join(ln for ln in lines if ln)
    return body, frame


