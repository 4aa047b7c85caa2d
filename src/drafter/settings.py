"""All settings in one validated object, read from ``DRAFTER_*`` variables.

>>> s = Settings()                      # doctest: +SKIP
>>> s.home, s.backend                   # doctest: +SKIP

The API key is a :class:`~pydantic.SecretStr`: it is never printed, logged or
written anywhere by drafter; it lives in the environment or the app session.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "PRESETS", "get_settings", "REPO_ROOT", "BUNDLED_KB"]

#: The project checkout (or install prefix) holding ``knowledge/`` and ``prompts/``.
REPO_ROOT = Path(__file__).resolve().parents[2]
#: The bundled knowledge base: sample reports, policy digest, specs, terms.
BUNDLED_KB = REPO_ROOT / "knowledge"


class Settings(BaseSettings):
    """drafter's configuration. Every field can be set as ``DRAFTER_<NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix="DRAFTER_", extra="forbid", validate_default=True
    )

    home: Path = Field(
        default=Path("~/.drafter"),
        description="Data directory: index, database and uploads live here.",
    )
    knowledge_dir: Path = Field(
        default=BUNDLED_KB,
        description="The bundled knowledge base (reports, policies, specs, terms.txt).",
    )
    prompts_dir: Path = Field(
        default=REPO_ROOT / "prompts", description="Prompt template files."
    )
    chroma_url: str | None = Field(
        default=None,
        description="http://host:port of a shared `chroma run` server; unset = embedded index in home.",
    )
    collection: str = Field(default="drafter", description="chromadb collection name.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; unset = SQLite file drafter.db in home. PostgreSQL works for a team.",
    )
    backend: Literal["composer", "openai"] = Field(
        default="composer",
        description="Drafting backend: the offline composer (no model) or an OpenAI-compatible server.",
    )
    openai_base_url: str | None = Field(
        default=None,
        description="Base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1 (vLLM, Ollama, DeepSeek, Qwen).",
    )
    openai_model: str | None = Field(default=None, description="Model name on that server.")
    openai_api_key: SecretStr | None = Field(
        default=None, description="API key; never written to disk, logs or the database."
    )
    openai_timeout: float = Field(
        default=120.0,
        gt=0,
        description="Seconds to wait for each read from the server (connect, first byte, each streamed piece).",
    )
    section_deadline: float = Field(
        default=600.0,
        gt=0,
        description="Total seconds one section may take with a model server, retries included; then it fails and the text so far is kept.",
    )
    draft_deadline: float = Field(
        default=1800.0,
        gt=0,
        description="Total seconds a whole draft may take with a model server; finished sections are kept, the rest fail.",
    )
    max_answer_chars: int = Field(
        default=20000,
        ge=500,
        description="Longest answer accepted for one section, in characters; a longer one is cut there and the section marked failed.",
    )
    openai_context: int | None = Field(
        default=None,
        ge=256,
        description="The model's context length in tokens, when the server does not say it (/v1/models, /props); prompts are fitted to it.",
    )
    openai_concurrency: int = Field(
        default=3,
        ge=1,
        le=32,
        description="Sections sent to the model server at once; a server that cuts parallel answers is then used one at a time.",
    )
    openai_max_retries: int = Field(
        default=2, ge=0, le=10, description="Retries of transient failures, with backoff."
    )
    temperature: float = Field(default=0.3, ge=0, le=2, description="Sampling temperature.")
    max_concurrency: int = Field(
        default=10,
        ge=1,
        le=32,
        description="Sections drafted in parallel (a report has about nine); lower it for a small server that queues requests.",
    )
    retrieval_k: int = Field(
        default=6, ge=1, le=50, description="Passages retrieved per section."
    )
    max_upload_mb: float = Field(
        default=20.0, gt=0, description="Largest file accepted for ingestion, in MB."
    )
    auth: Literal["none", "password", "header"] = Field(
        default="none",
        description=(
            "Who may use the app. 'none': local single-user mode (only allowed on a loopback "
            "address). 'password': team server, people sign in with accounts made by "
            "`drafter user add`. 'header': team server behind the intranet's sign-in gateway, "
            "which puts the account name in `auth_header` (the gateway must strip that header "
            "from clients' requests)."
        ),
    )
    auth_header: str = Field(
        default="X-Forwarded-User",
        description="Request header carrying the signed-in account name when auth='header'.",
    )
    session_idle_minutes: float = Field(
        default=30.0, gt=0, description="A signed-in session ends after this long without use."
    )
    session_max_hours: float = Field(
        default=10.0, gt=0, description="A signed-in session ends this long after sign-in, however busy."
    )
    login_max_attempts: int = Field(
        default=5, ge=1, le=100, description="Failed sign-ins allowed per account within the lock-out window."
    )
    login_lockout_minutes: float = Field(
        default=15.0, gt=0, description="The window for counting failed sign-ins, and how long an account stays locked."
    )
    embed_query_threads: int = Field(
        default=2,
        ge=1,
        le=64,
        description=(
            "Threads the embedding engine uses for one search query (spread over matrix rows). "
            "With the passive wait policy 2 threads stay fast when another process holds a core; "
            "see docs/benchmarks.md (issue 10)."
        ),
    )
    embed_passage_threads: int = Field(
        default=2,
        ge=1,
        le=64,
        description=(
            "Threads for embedding documents while indexing (one text per thread); "
            "set it to the number of cores the index build may use."
        ),
    )
    embed_wait_policy: Literal["passive", "active"] = Field(
        default="passive",
        description=(
            "OpenMP wait policy of the embedding engine (OMP_WAIT_POLICY). 'passive' threads sleep "
            "between parallel regions; 'active' threads spin, which made a query 10-70x slower "
            "whenever another process holds a core. Applied before the engine loads."
        ),
    )
    embed_batch: int = Field(
        default=32,
        ge=1,
        le=512,
        description="Documents embedded per engine call while indexing (also the index commit unit).",
    )
    shipped_vectors: bool = Field(
        default=True,
        description=(
            "Take the bundled knowledge base's passage vectors from knowledge/vectors.npz instead "
            "of embedding them (a fresh index in ~1 s); false embeds every chunk."
        ),
    )
    timezone: str = Field(
        default="Asia/Shanghai",
        description="IANA time zone in which every stored time (kept in UTC) is shown, e.g. Asia/Shanghai.",
    )

    @field_validator("timezone", mode="after")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"unknown time zone {value!r} (DRAFTER_TIMEZONE, e.g. Asia/Shanghai)") from err
        return value

    @field_validator("home", "knowledge_dir", "prompts_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("chroma_url", "openai_base_url", "database_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @property
    def index_dir(self) -> Path:
        """Where the embedded chromadb index lives."""
        return self.home / "index"

    @property
    def uploads_dir(self) -> Path:
        """Where files users upload are kept."""
        return self.home / "uploads"

    @property
    def db_url(self) -> str:
        """The effective database URL."""
        return self.database_url or f"sqlite:///{self.home / 'drafter.db'}"

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


#: Named presets for common OpenAI-compatible servers (base URL and a typical model).
PRESETS: dict[str, dict[str, object]] = {
    "offline": {"backend": "composer"},
    "vllm": {"backend": "openai", "openai_base_url": "http://127.0.0.1:8000/v1"},
    "ollama": {
        "backend": "openai",
        "openai_base_url": "http://127.0.0.1:11434/v1",
        "openai_model": "qwen2.5:7b",
    },
    "deepseek": {
        "backend": "openai",
        "openai_base_url": "https://api.deepseek.com/v1",
        "openai_model": "deepseek-chat",
    },
    "qwen": {
        "backend": "openai",
        "openai_base_url": "https://dashscope.aliyuncs.com/compatible-mode/v1",
        "openai_model": "qwen-plus",
    },
}


def get_settings(preset: str | None = None, **overrides: object) -> Settings:
    """Settings from the environment, a named preset, then explicit overrides."""
    values: dict[str, object] = {}
    if preset is not None:
        if preset not in PRESETS:
            from .errors import ConfigError

            raise ConfigError(f"未知的预设“{preset}”，可选：{'、'.join(PRESETS)}")
        values.update(PRESETS[preset])
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)  # type: ignore[arg-type]
