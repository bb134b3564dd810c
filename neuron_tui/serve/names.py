"""Learner names: which SSH user names are the same learner, and the file each one keeps.

Two names are the same learner exactly when they are equal after Unicode NFC
normalisation and case folding (``Ada``, ``ADA`` and ``ada`` resume one
progress file; ``Straße`` and ``STRASSE`` too). Every other difference keeps
learners apart: ``a/b``, ``a_b`` and ``a b`` are three learners.

A progress file's stem is readable and safe: the folded name itself when it is
already made of ``[a-z0-9._-]`` (at most 32 characters, not starting with a dot
or dash, not ending like a hash), otherwise a safe readable stem plus ``-``
and a short hash of the exact folded name, so names that look alike on disk
never share a file.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from neuron_tui.i18n import N_

__all__ = [
    "MAX_STEM_LENGTH",
    "NAME_REFUSAL",
    "UnusableName",
    "check_learner_name",
    "learner_file_name",
    "learner_key",
]

#: Longest readable part of a progress file's name.
MAX_STEM_LENGTH = 32
#: Hex digits of the hash that tells apart names with the same readable stem.
HASH_DIGITS = 10
#: The longest user name a learner may use (characters, after folding).
MAX_NAME_CHARACTERS = 64

_SAFE_NAME = re.compile(rf"[a-z0-9_][a-z0-9._-]{{0,{MAX_STEM_LENGTH - 1}}}")
_UNSAFE_RUN = re.compile(r"[^a-z0-9._-]+")
#: The ending only hashed stems have; a name that ends like this is hashed too.
_HASH_ENDING = re.compile(rf"-[0-9a-f]{{{HASH_DIGITS}}}$")

#: What a learner whose name cannot be used is told (one line; translated where it is said).
NAME_REFUSAL = N_(
    "neuron-tui: that name cannot be used; log in with letters, digits, spaces or "
    "._- (no emoji or control characters), e.g. ssh -p PORT ada@HOST"
)


class UnusableName(ValueError):
    """A user name that cannot name a learner (control characters, too long, empty)."""


def learner_key(username: str) -> str:
    """The identity of a learner: the name in NFC, case-folded."""
    return unicodedata.normalize("NFC", username).casefold()


def check_learner_name(username: str) -> None:
    """Raise :class:`UnusableName` for a name no learner can be kept under."""
    key = learner_key(username)
    if not key.strip():
        raise UnusableName("the name is empty")
    if len(key) > MAX_NAME_CHARACTERS:
        raise UnusableName(f"the name is longer than {MAX_NAME_CHARACTERS} characters")
    if any(unicodedata.category(char).startswith("C") for char in key):
        raise UnusableName("the name holds control or unassigned characters")


def _readable_stem(key: str) -> str:
    """Letters without accents, digits and ._- from the name; anything else one ``_``."""
    ascii_text = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
    stem = _UNSAFE_RUN.sub("_", ascii_text).strip("._-")
    return stem[:MAX_STEM_LENGTH].strip("._-") or "learner"


def learner_file_name(username: str) -> str:
    """The progress file stem for `username` (see the module docstring); never empty."""
    key = learner_key(username)
    if _SAFE_NAME.fullmatch(key) and not _HASH_ENDING.search(key):
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:HASH_DIGITS]
    return f"{_readable_stem(key)}-{digest}"
