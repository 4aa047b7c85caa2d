"""Retrieval benchmark: quality (recall@5, MRR) and speed of dense, BM25 and hybrid.

    /work/venv/bin/python bench/retrieval.py [--sweep]

Builds the bundled knowledge base into a fresh temporary DRAFTER_HOME, timing the
build from scratch and an unchanged re-index; then runs the labelled queries below
in each mode and times hybrid against dense-only queries. ``--sweep`` also tries
other fusion settings (RRF constant, weights).

Each query is what a writer would type while drafting a section; its relevant
passages are labelled by source file and a distinctive substring of the passage
(matched against heading + text), never by chunk id, so re-chunking does not
silently change the labels.

recall@5 = share of a query's relevant passages found in the top 5 (averaged over
queries); MRR = mean of 1/rank of the first relevant passage (0 if none in top 10).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

R0, R1, R2, R3, R4 = (
    "reports/000_239d23a2283df756.txt",
    "reports/001_517c173290857b3c.txt",
    "reports/002_beb470eb93e99a23.txt",
    "reports/003_dc5d88cb51645eb4.txt",
    "reports/004_4c9f5924be026fa2.txt",
)
SEL, ANN, FMT = (
    "policies/selection.yaml",
    "policies/annual_report.yaml",
    "policies/format.yaml",
)

#: (query, [(source, substring), ...])
QUERIES: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "防止带病提拔",
        [
            (R1, "档案必审、个人有关事项报告必核"),
            (SEL, "凡提必查"),
            (R0, "全面深入考察"),
        ],
    ),
    ("年轻干部培养", [(R2, "年轻干部培养“四个一”计划"), (R2, "加大年轻干部使用力度")]),
    (
        "存在问题",
        [(R3, "一方面人才综合能力还需提升"), (R4, "推荐考察环节资料不够规范")],
    ),
    ("凡提四必", [(SEL, "干部档案凡提必审"), (R1, "严格落实坚持“凡提四必”")]),
    (
        "一报告两评议",
        [(ANN, "与会人员随即进行两项民主评议"), (R4, "一报告两评议”的通知")],
    ),
    (
        "新时代好干部标准二十字",
        [
            (SEL, "五个短语的顺序和字面固定"),
            (R1, "坚持“信念坚定、为民服务、勤政务实、敢于担当、清正廉洁”的好干部标准"),
        ],
    ),
    (
        "选人用人原则 德才兼备 以德为先",
        [
            (SEL, "报告写“坚持……原则”时"),
            (R0, "一是严守干部选任工作原则"),
            (R1, "坚持党管干部的工作原则"),
        ],
    ),
    (
        "民主推荐 谈话调研推荐",
        [
            (R0, "三是做好民主推荐"),
            (R1, "二是严肃谈话调研推荐关"),
            (SEL, "可先谈话调研推荐、再会议推荐"),
        ],
    ),
    ("任前公示", [(SEL, "公示期不少于五个工作日"), (R2, "严把任前公示关")]),
    ("试用期", [(SEL, "试用期为一年"), (R4, "个别人员试用期满考核滞后")]),
    (
        "本年度提拔和职级晋升人数",
        [
            (R0, "晋升一级调研员*人"),
            (R2, "新提拔正处级领导干部*人"),
            (R3, "共提拔*名二级主任科员"),
        ],
    ),
    ("职务与职级并行", [(SEL, "领导职务与职级并行"), (R0, "着眼用好职务职级并行制度")]),
    (
        "学习两项法规",
        [(R2, "集中组织学习“两项法规”"), (SEL, "两项法规”指领导干部报告个人有关事项")],
    ),
    (
        "领导干部个人有关事项报告",
        [
            (R4, "领导干部个人有关事项报告专项填报"),
            (R2, "严格执行领导干部个人有关事项报告“两项法规”"),
        ],
    ),
    (
        "干部教育培训",
        [(R0, "二是加强教育培训，提升专业素养"), (R1, "制定干部教育培训工作规划")],
    ),
    (
        "突出政治标准 政治素质考察",
        [
            (R0, "二是突出政治标准"),
            (R2, "一是强化精准识人"),
            (R4, "坚持党管干部，突出政治标准"),
        ],
    ),
    (
        "加强干部日常监督管理",
        [(R2, "一是加强日常监督管理"), (R4, "干部监督渠道比较单一")],
    ),
    (
        "下一步工作打算",
        [
            (R0, "下一步，我局党组将继续"),
            (R1, "下一步，我们将进一步发扬"),
            (R2, "下一步，党组将深入贯彻"),
        ],
    ),
    ("廉洁文化建设", [(R0, "三是加强清廉文化建设"), (R2, "开展机关廉洁文化建设")]),
    ("作风建设", [(R0, "二是强化作风建设"), (R3, "作风建设上紧发条")]),
    (
        "到基层一线实践锻炼",
        [(R0, "三是加强实践锻炼"), (R1, "突出实践锻炼"), (R2, "二是立足实践锻炼")],
    ),
    (
        "分析研判和动议",
        [(R0, "一是加强分析研判"), (R1, "一是严肃动议关"), (R2, "严把动议关")],
    ),
    (
        "党组会讨论决定干部任用",
        [
            (R0, "党组书记末位表态"),
            (R1, "严肃党组会讨论决定关"),
            (R2, "严把讨论决定关"),
        ],
    ),
    ("考察对象 个别谈话 民主测评", [(R1, "四是严肃干部考察关"), (R0, "全面深入考察")]),
    ("选人用人专项检查和自查", [(R2, "二是认真开展各类专项检查")]),
    ("清理违规兼职", [(R2, "违规兼职、取酬清理规范")]),
    ("优化干部队伍年龄结构", [(R3, "在人员结构优化上花功夫"), (R0, "梯次结构")]),
    (
        "平时考核",
        [(R3, "平时考核加大频次"), (R2, "修订完善《公务员平时考核实施办法》")],
    ),
    (
        "坚持党管干部",
        [(R1, "坚持党管干部的工作原则"), (R4, "坚持党管干部，突出政治标准")],
    ),
    ("公文标题层级序号", [(FMT, "第一层“一、”")]),
    ("年度报告应当包括哪些内容", [(ANN, "年度报告应当写明")]),
    (
        "干部交流轮岗 挂职",
        [(R1, "到乡镇挂职交流"), (R2, "名年轻干部交流轮岗"), (R3, "交流锻炼提上日程")],
    ),
    ("考察材料未签字", [(R4, "个别考察材料考察组成员未签字")]),
    (
        "事业为上 人岗相适",
        [(R4, "坚持事业为上"), (SEL, "事业为上、人岗相适、人事相宜；公道正派")],
    ),
    (
        "严管厚爱",
        [
            (R0, "坚持严管厚爱"),
            (R3, "坚持严管和厚爱结合"),
            (R2, "坚持严管与厚爱相结合"),
        ],
    ),
    ("公文页面版心和字体", [(FMT, "版心156毫米")]),
    ("双签字", [(R2, "“双签字”制度"), (R1, "由党委书记、纪委书记签名")]),
    ("上年度评议问题整改", [(ANN, "上年度评议指出的问题")]),
]


def _hit(p: object, target: tuple[str, str]) -> bool:
    source, needle = target
    return p.source == source and needle in f"{p.heading}\n{p.text}"  # type: ignore[attr-defined]


def evaluate(retriever: object, mode: str) -> tuple[float, float, list[str]]:
    recalls, rrs, misses = [], [], []
    for query, targets in QUERIES:
        got = retriever.search(query, k=10, mode=mode)  # type: ignore[attr-defined]
        top5 = got[:5]
        found = [t for t in targets if any(_hit(p, t) for p in top5)]
        recalls.append(len(found) / len(targets))
        rank = next(
            (i + 1 for i, p in enumerate(got) if any(_hit(p, t) for t in targets)), None
        )
        rrs.append(1.0 / rank if rank else 0.0)
        misses += [
            f"{query} → {t[0].split('/')[-1][:3]}:{t[1]}"
            for t in targets
            if t not in found
        ]
    return statistics.mean(recalls), statistics.mean(rrs), misses


def latency(retriever: object, mode: str, repeat: int = 3) -> float:
    """Median seconds per query over all labelled queries."""
    times = []
    for _ in range(repeat):
        for query, _ in QUERIES:
            t = time.perf_counter()
            retriever.search(query, k=5, mode=mode)  # type: ignore[attr-defined]
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sweep", action="store_true", help="also try other fusion settings"
    )
    parser.add_argument(
        "--misses",
        action="store_true",
        help="list the relevant passages each mode missed",
    )
    args = parser.parse_args()

    from drafter.kb.indexer import index_knowledge
    from drafter.kb.retrieval import HybridRetriever as Retriever
    from drafter.kb.store import open_store
    from drafter.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp) / "home")
        from drafter.kb import embedding

        embedding.get_model()  # model load is not part of the index build
        t = time.perf_counter()
        first = index_knowledge(settings)
        build = time.perf_counter() - t
        t = time.perf_counter()
        again = index_knowledge(settings)
        reindex = time.perf_counter() - t
        if again.embedded:
            print(
                "unchanged re-index embedded chunks: incremental indexing is broken",
                file=sys.stderr,
            )
            return 1
        retriever = Retriever(open_store(settings))
        retriever.search("预热", k=5)  # jieba and chroma warm-up

        print(f"queries: {len(QUERIES)}, chunks: {first.total_chunks}")
        print(
            f"index build from scratch: {build:.2f} s ({first.embedded} chunks embedded)"
        )
        print(
            f"unchanged re-index: {reindex * 1000:.1f} ms ({build / reindex:.0f}× faster)"
        )
        print()
        print("| mode | recall@5 | MRR |")
        print("|---|---|---|")
        results = {}
        for mode in ("dense", "bm25", "hybrid"):
            recall, mrr, misses = evaluate(retriever, mode)
            results[mode] = (recall, mrr)
            print(f"| {mode} | {recall:.3f} | {mrr:.3f} |")
            if args.misses:
                for m in misses:
                    print(f"    miss[{mode}] {m}")
        dense_t = latency(retriever, "dense")
        hybrid_t = latency(retriever, "hybrid")
        bm25_t = latency(retriever, "bm25")
        print()
        print(
            f"median query latency: dense {dense_t * 1000:.1f} ms, bm25 {bm25_t * 1000:.1f} ms, "
            f"hybrid {hybrid_t * 1000:.1f} ms (hybrid/dense = {hybrid_t / dense_t:.2f})"
        )
        if args.sweep:
            print()
            print("| fusion | setting | recall@5 | MRR |")
            print("|---|---|---|---|")
            for alpha in (0.3, 0.4, 0.5, 0.6, 0.7):
                retriever.fusion, retriever.alpha = "relative", alpha
                recall, mrr, _ = evaluate(retriever, "hybrid")
                print(f"| relative | alpha={alpha} | {recall:.3f} | {mrr:.3f} |")
            for rrf_k in (10, 30, 60):
                for weights in ((1.0, 1.0), (0.7, 1.0), (0.5, 1.0)):
                    retriever.fusion, retriever.rrf_k, retriever.weights = (
                        "rrf",
                        rrf_k,
                        weights,
                    )
                    recall, mrr, _ = evaluate(retriever, "hybrid")
                    print(
                        f"| rrf | k={rrf_k}, weights={weights} | {recall:.3f} | {mrr:.3f} |"
                    )
        best = max(results["dense"][0], results["bm25"][0])
        if results["hybrid"][0] < best:
            print(
                f"hybrid recall@5 {results['hybrid'][0]:.3f} is below the better single mode {best:.3f}",
                file=sys.stderr,
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
