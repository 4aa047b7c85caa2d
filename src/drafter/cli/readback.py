"""``drafter readback DRAFT.txt EDITED.docx [--facts FACTS.yaml] [--json]``.

Reads back a draft the writer edited in Word or WPS (.docx/.wps/.doc/.txt): per
top-level section unchanged / changed (with the diff) / added / removed — matched
by heading, so renamed, moved and renumbered sections pair with their own —, the
frame found (主送, 落款, date: not body), and, with ``--facts``, the findings the
edit brought in and the sentences without a basis.

Exit codes: 0 read back (no new error), 1 the edit brought in errors, 2 unusable input.
"""

from __future__ import annotations

import argparse
import json

from ..facts.sheet import load_facts
from ..text.limits import check_document

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "readback",
        help="读回在 Word/WPS 中修改过的草稿 (read back an edited draft)",
        description="逐部分比较草稿与修改稿：未改动 / 有改动（附差异）/ 新增 / 删除，并重新检查和计算依据。"
        " 退出码 (exit code): 0 完成, 1 修改带来了错误, 2 输入无法使用。",
    )
    p.add_argument("draft", help="drafter 写出的草稿 .txt (the draft)")
    p.add_argument("edited", help="修改稿 .docx/.wps/.doc/.txt (the edited file)")
    p.add_argument("--facts", help="数据表 YAML：重新核对数字和依据 (fact sheet)")
    p.add_argument("--author", default="", help="修改人，记入“本人修改” (who edited)")
    p.add_argument("--json", action="store_true", help="输出 JSON (machine-readable output)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..review.readback import STATUS_ZH, read_back, read_edited
    from .check import read_input

    draft = read_input(args.draft)
    edited = check_document(read_edited(args.edited), args.edited, command="readback")
    facts = load_facts(args.facts) if args.facts else None
    rb = read_back(draft, edited, facts=facts, author=args.author)
    if args.json:
        print(json.dumps(rb.to_dict(), ensure_ascii=False, indent=2))
    else:
        counts = rb.counts()
        print("读回 (read back)：" + "，".join(f"{STATUS_ZH[k]} {v}" for k, v in counts.items()))
        fr = rb.frame
        frame = [f"{k}：{v}" for k, v in (("主送", fr.salutation), ("落款", fr.signer), ("日期", fr.date)) if v]
        if frame:
            print("公文格式 (frame, not body)：" + "；".join(frame))
        for s in rb.sections:
            head = s.new_heading if s.new_heading is not None else s.old_heading
            name = head or "开头"
            if s.status == "unchanged":
                print(f"  [未改动] {name}")
                continue
            extra = f"（原标题：{s.old_heading}）" if s.renamed else ""
            print(f"  [{STATUS_ZH[s.status]}] {name}{extra}")
            if s.status == "changed":
                for line in s.inline().split("\n"):
                    if "【" in line:
                        print(f"      {line}")
            elif s.status == "added":
                print(f"      {s.new_body[:200]}")
        if rb.new_findings:
            print(f"\n修改后新出现的问题 (new findings)：{len(rb.new_findings)} 处")
            sev = {"error": "错误", "warning": "警告", "info": "提示"}
            for f in rb.new_findings:
                print(f"  [{sev.get(f.severity, f.severity)}] {f.section or '开头'}：{f.message}")
        bad = [b for b in rb.basis if b.unsupported]
        if bad:
            print(f"\n无依据的句子 (sentences without basis)：{len(bad)}")
            for b in bad:
                print(f"  {b.section}：{b.sentence}（{'、'.join(b.unsupported)}）")
    return 1 if any(f.severity == "error" for f in rb.new_findings) else 0

