"""Paths shared by training, evaluation, tests and the web app (no Django import here)."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUICKDRAW_DATA_ENV = "QUICKDRAW_DATA"
DEFAULT_QUICKDRAW_DATA = PROJECT_ROOT.parent / "shared" / "quickdraw"
DEFAULT_MODEL_DIR = PROJECT_ROOT / "models" / "quickdraw28"


def quickdraw_dir() -> Path:
    """The Quick, Draw! data folder: ``$QUICKDRAW_DATA`` or ``../shared/quickdraw``."""
    return Path(os.environ.get(QUICKDRAW_DATA_ENV) or DEFAULT_QUICKDRAW_DATA)
