"""Typed readers for settings taken from the environment (no Django import, so settings can use them)."""

import os


def env_str(name: str, default: str) -> str:
    """``$name`` if set and non-empty, else ``default``."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    """``1/true/yes/on`` (any case) is true, ``0/false/no/off`` false; unset or empty gives ``default``."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"${name} must be a boolean (1/0, true/false, yes/no, on/off), got {raw!r}")


def env_int(name: str, default: int) -> int:
    """``$name`` parsed as an integer, else ``default``."""
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def env_float(name: str, default: float) -> float:
    """``$name`` parsed as a float, else ``default``."""
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def env_list(name: str, default: list[str]) -> list[str]:
    """Comma-separated ``$name`` (blanks dropped), else ``default``."""
    raw = os.environ.get(name, "")
    items = [item.strip() for item in raw.split(",") if item.strip()]
    return items or list(default)
