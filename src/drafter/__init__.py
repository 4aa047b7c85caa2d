"""drafter: drafts, checks, compares and exports the annual 干部选拔任用工作报告.

Core code never imports streamlit; outside systems each have one narrow seam:
``store`` is the only module that imports chromadb, ``llm`` the only one that
imports openai, ``app.py`` (outside the package) the only one that imports streamlit.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
