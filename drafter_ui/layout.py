"""Page-wide style and language: narrow-screen layout, placeholders, and Chinese for Streamlit's own words.

Streamlit has no locale setting: its toolbar tooltips, file-uploader texts,
connection messages and the skip link are English in its JavaScript bundle. The
page gets one small script (:data:`I18N_JS`, run once per browser tab) that
watches the page and replaces those exact strings (text and ``title`` /
``aria-label`` / ``placeholder`` attributes) with the Chinese in
:data:`TRANSLATIONS`; what it cannot reach (text drawn on the table's canvas,
browser-native dialogs) is listed in the README. The main menu, which only
offers developer functions, is hidden.

Narrow screens (≤ 640 px): 对照's two columns are stacked, the figure table is
replaced by a compact one-field-per-row editor (``st-key-figs_compact``), and
buttons may wrap their text instead of being cut.
"""

from __future__ import annotations

import json

import streamlit as st

__all__ = ["CSS", "I18N_JS", "PATTERNS", "TRANSLATIONS", "inject"]

#: Streamlit's English (exact strings, as its bundle spells them) → what the page shows.
TRANSLATIONS: dict[str, str] = {
    # skip link, status and connection
    "Skip to main content": "跳到正文",
    "Running...": "正在处理……",
    "Stop": "停止",
    "Connecting": "正在连接",
    "Connection error": "与服务器的连接中断",
    "Connection error.": "与服务器的连接中断。",
    "Please wait...": "请稍候……",
    "Connection lost. Please wait for the app to reconnect, then try again.":
        "与服务器的连接中断，请等待自动重连后再试。",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:":
        "起草助手的服务可能已停止或网络中断。请稍后刷新页面；若仍无法打开，请联系管理员重新启动服务：",
    "Streamlit server is not responding. Are you connected to the internet?":
        "起草助手的服务没有应答：请检查网络连接，稍后刷新页面。",
    "Connection timed out.": "连接超时。",
    "Unknown error": "未知错误",
    "Unknown Error": "未知错误",
    "streamlit run yourscript.py": "（请联系管理员）",
    "Close": "关闭",
    # file uploader
    "Upload": "上传",
    "Browse files": "选择文件",
    "Add files": "添加文件",
    "Drag and drop file here": "把文件拖到这里",
    "Drag and drop a file here": "把文件拖到这里",
    "Drag and drop files here": "把文件拖到这里（可多选）",
    "Remove file": "移除文件",
    "Delete": "删除",
    # table (data editor / dataframe) toolbar and menus
    "Add row": "添加一行",
    "Delete row(s)": "删除选中的行",
    "Download as CSV": "下载为 CSV 表格",
    "Search": "查找",
    "Close Search": "关闭查找",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Show/hide columns": "显示/隐藏列",
    "Sort ascending": "升序排列",
    "Sort descending": "降序排列",
    "Hide column": "隐藏此列",
    "Pin column": "固定此列",
    "Unpin column": "取消固定",
    "Autosize": "自动列宽",
    "Format": "格式",
    "Copy column name": "复制列名",
    "Clear selection": "清除选择",
    # selects and misc
    "Choose an option": "请选择",
    "Choose or add an option": "请选择或输入",
    "Choose options": "请选择",
    "Clear all": "全部清除",
    "Selected values": "已选项",
    "Select all": "全选",
    "Open menu": "展开选项",
    "Close menu": "收起选项",
    "No results": "没有符合的选项",
    "Copy to clipboard": "复制",
    "Link to heading": "本标题的链接",
    "Sidebar": "侧栏",
    "Collapse sidebar": "收起侧栏",
    "Expand sidebar": "展开侧栏",
    "Main menu": "菜单",
    "Clear": "清除",
    "Show password text": "显示密码",
    "Hide password text": "隐藏密码",
    "Open": "展开",
    "file upload": "上传文件",
}

#: Strings with a variable part: (regular expression, replacement) for JavaScript's ``String.replace``.
PATTERNS: list[tuple[str, str]] = [
    (r"^Limit (\S+) per file(?: • (.*))?$", "单个文件不超过 $1 $2"),
    (r"^(\S+) per file(?: • (.*))?$", "单个文件不超过 $1 $2"),
    (r"^Help for (.+)$", "“$1”的说明"),
    (r"^Add: (.+)$", "添加：$1"),
    (r"^Remove (.+)$", "移除“$1”"),
    (r"^Cannot connect to Streamlit \(HTTP status: (\d+)\)\.?$", "无法连接起草助手的服务（HTTP $1）。"),
    (r"^Connection failed with status (\d+).*$", "连接失败（HTTP $1）。"),
]

I18N_JS = """
(function () {
  if (window.__drafterI18n) return;
  window.__drafterI18n = true;
  const T = %(table)s;
  const P = %(patterns)s.map(([re, to]) => [new RegExp(re), to]);
  const ATTRS = ["title", "aria-label", "placeholder"];
  function tr(s) {
    if (!s) return null;
    const t = s.trim();
    if (Object.prototype.hasOwnProperty.call(T, t)) return s.replace(t, T[t]);
    for (const [re, to] of P) { if (re.test(t)) return t.replace(re, to).replace(/\\s+$/, ""); }
    return null;
  }
  // help icons (「?」 beside a label) are not a stop on the way from field to field: Tab
  // goes box to box, and words typed after Tab never land in the box just left (issue 20)
  function untab(root) {
    if (!root.querySelectorAll) return;
    for (const b of root.querySelectorAll('[data-testid="stTooltipIcon"] button, [data-testid="stTooltipHoverTarget"] button')) {
      if (b.getAttribute("tabindex") !== "-1") b.setAttribute("tabindex", "-1");
    }
  }
  function fix(node) {
    if (node.nodeType === 1) untab(node);
    if (node.nodeType === 3) {
      const v = tr(node.nodeValue);
      if (v !== null && v !== node.nodeValue) node.nodeValue = v;
      return;
    }
    if (node.nodeType !== 1) return;
    for (const a of ATTRS) {
      const old = node.getAttribute && node.getAttribute(a);
      const v = tr(old);
      if (v !== null && v !== old) node.setAttribute(a, v);
    }
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walker.nextNode())) {
      const v = tr(n.nodeValue);
      if (v !== null && v !== n.nodeValue) n.nodeValue = v;
    }
    for (const el of node.querySelectorAll ? node.querySelectorAll("[title],[aria-label],[placeholder]") : []) {
      for (const a of ATTRS) {
        const old = el.getAttribute(a);
        const v = tr(old);
        if (v !== null && v !== old) el.setAttribute(a, v);
      }
    }
  }
  fix(document.body);
  new MutationObserver((muts) => {
    for (const m of muts) {
      if (m.type === "characterData") fix(m.target);
      else if (m.type === "attributes") fix(m.target);
      else m.addedNodes.forEach(fix);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true,
                             attributes: true, attributeFilter: ATTRS});
  document.documentElement.lang = "zh-CN";
})();
"""

CSS = """
<style>
/* placeholders never look like values */
input::placeholder, textarea::placeholder { color: #a0a4ab !important; font-style: italic; opacity: 1; }
/* the main menu only offers developer functions (in English) */
[data-testid="stMainMenu"] { display: none !important; }
.st-key-drafter_i18n { display: none !important; }
/* buttons wrap their text rather than being cut */
.stButton button p, .stDownloadButton button p { white-space: normal; word-break: keep-all; overflow-wrap: anywhere; }
/* the compact figure editor, and who is signed in on the page, are for narrow screens only */
.st-key-figs_compact, .st-key-who_narrow { display: none !important; }
@media (max-width: 640px) {
  .st-key-figs_table { display: none; }
  .st-key-figs_compact { display: block !important; }
  .st-key-who_narrow { display: flex !important; }
  /* 对照: the two columns of the diff stacked, each labelled */
  table.drafter-diff, table.drafter-diff thead, table.drafter-diff tbody,
  table.drafter-diff tr, table.drafter-diff td, table.drafter-diff th { display: block; width: 100% !important; box-sizing: border-box; }
  table.drafter-diff thead { display: none; }
  table.drafter-diff tbody tr:not(.drafter-sec) td:first-child::before { content: "原稿："; font-weight: bold; color: #57606a; }
  table.drafter-diff tbody tr:not(.drafter-sec) td:last-child::before { content: "新稿："; font-weight: bold; color: #57606a; }
  .block-container { padding-left: 0.8rem; padding-right: 0.8rem; }
}
</style>
"""


def inject() -> None:
    """Add the style and the translating script to the page (cheap; safe on every run)."""
    st.html(CSS)
    script = I18N_JS % {"table": json.dumps(TRANSLATIONS, ensure_ascii=False), "patterns": json.dumps(PATTERNS)}
    with st.container(key="drafter_i18n"):
        st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)
