"""Recorded sentences for languages Twilio cannot speak, kept in locales/<ll>/audio/.

Each file is named for the sentence it says: the first 16 hex digits of the SHA-1 of the
sentence (as the catalog words it, spaces collapsed), then .mp3 or .wav. A translation that
changes makes its old recording stop matching, so a caller never hears stale words.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

EXTENSIONS = (".mp3", ".wav")
FILE_NAME = re.compile(r"^[0-9a-f]{16}\.(mp3|wav)$")
KEY = re.compile(r"^[0-9a-f]{16}$")


def audio_key(text: str) -> str:
    """Name the recording of a sentence."""
    words = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha1(words.encode("utf-8")).hexdigest()[:16]


def audio_dir(locales_dir: str | Path, code: str) -> Path:
    return Path(locales_dir) / code / "audio"


def find(locales_dir: str | Path, code: str, text: str) -> str | None:
    """Return the file name of the recording of this sentence in this language, if there is one."""
    folder = audio_dir(locales_dir, code)
    if not folder.is_dir():
        return None
    key = audio_key(text)
    for extension in EXTENSIONS:
        if (folder / f"{key}{extension}").is_file():
            return f"{key}{extension}"
    return None


# Files made by a speech synthesizer, listed with their sentences: placeholders, to be replaced by people.
SYNTHESIZED = "synthesized.tsv"


def synthesized(locales_dir: str | Path, code: str) -> dict[str, str]:
    """Return {file name: sentence} of a language's synthesized placeholder recordings."""
    path = audio_dir(locales_dir, code) / SYNTHESIZED
    if not path.is_file():
        return {}
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, _, sentence = line.partition("\t")
        if FILE_NAME.match(name):
            found[name] = sentence
    return found
