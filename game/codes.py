"""Room join codes (pure, no Django): short, easy to read aloud and to type.

No 0/O, 1/I/L: characters people confuse are left out, so a code read off a screen is typed right.
"""

import random

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 4  # 31^4 = 923,521 codes
# Separators people put in when typing a code ("K7-QX", "k7 qx") are dropped before checking.
IGNORED_CHARACTERS = " -_."


def new_code(rng: random.Random) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: object) -> str | None:
    """The canonical code for what someone typed (case and separators ignored), or None if it cannot be one."""
    if not isinstance(text, str):
        return None
    code = "".join(char for char in text.upper() if char not in IGNORED_CHARACTERS)
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code
