"""Read a call's TwiML as a person would hear it: the lines said (or played), and what it waits for."""
from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from .. import urls
from ..i18n.translator import catalog_for
from ..voice.audio import FILE_NAME, audio_key, synthesized
from ..voice.sentence_recordings import SERVED_NAME

# What a step of a call waits for.
KEYS = "keys"
KEYS_OR_WORDS = "keys or words"
RECORDING = "recording"


@dataclass(frozen=True)
class Line:
    """One thing the caller hears: words said in a voice, or a recording played."""

    text: str
    language: str = ""  # the voice's language ("es-US"); empty for a recording
    recording: str = ""  # which recording plays ("ht/0a1b2c3d4e5f6a7b.mp3"), or "" for words said


@dataclass(frozen=True)
class Step:
    """What one answer of the hotline says, and where the caller's next answer goes."""

    lines: list[Line] = field(default_factory=list)
    waits_for: str = ""  # KEYS, KEYS_OR_WORDS, RECORDING, or "" when the call ends
    answer_url: str = ""  # where keys, words or a recording are sent
    silence_url: str = ""  # where the call goes when nothing comes
    one_key: bool = False

    @property
    def ended(self) -> bool:
        return not self.waits_for and not self.silence_url


def read(twiml: str, locales_dir: str) -> Step:
    """Read a <Response> into the lines it says and what it then waits for."""
    root = ElementTree.fromstring(twiml)
    lines: list[Line] = []
    waits_for = answer_url = silence_url = ""
    one_key = False
    for verb in root:
        if verb.tag == "Gather":
            lines.extend(_said(child, locales_dir) for child in verb if child.tag in ("Say", "Play"))
            inputs = (verb.get("input") or "dtmf").split()
            waits_for = KEYS_OR_WORDS if "speech" in inputs else KEYS
            answer_url = verb.get("action") or ""
            one_key = verb.get("numDigits") == "1"
        elif verb.tag == "Record":
            waits_for, answer_url = RECORDING, verb.get("action") or ""
        elif verb.tag in ("Say", "Play"):
            lines.append(_said(verb, locales_dir))
        elif verb.tag == "Redirect":
            silence_url = (verb.text or "").strip()
            break
        elif verb.tag == "Hangup":
            break
    return Step(lines, waits_for, answer_url, silence_url, one_key)


def _said(verb: ElementTree.Element, locales_dir: str) -> Line:
    if verb.tag == "Say":
        return Line((verb.text or "").strip(), language=verb.get("language") or "")
    path = urlsplit((verb.text or "").strip()).path
    parts = path.rsplit("/", 2)
    key = _sentence_key(parts[2]) if path.startswith(urls.AUDIO + "/") and len(parts) == 3 else None
    if key is not None:
        code, name = parts[1], parts[2]
        words = recorded_sentences(locales_dir, code).get(key) or synthesized(locales_dir, code).get(name, "")
        return Line(words, recording=f"{code}/{name}")
    # A caller's own recorded answer, read back to them.
    return Line("", recording=path.rsplit("/", 1)[-1])


def _sentence_key(name: str) -> str | None:
    """The sentence a recording's file name is for: a shipped file, or a person's approved take."""
    if FILE_NAME.match(name):
        return name.split(".")[0]
    served = SERVED_NAME.match(name)
    return served.group(1) if served else None


@lru_cache(maxsize=16)
def recorded_sentences(locales_dir: str, code: str) -> dict[str, str]:
    """Every sentence of a language's catalog by the name its recording would have."""
    catalog = catalog_for(locales_dir, code)
    found: dict[str, str] = {}
    if catalog is None:
        return found
    for message in catalog:
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for text in strings:
            if text:
                found[audio_key(text)] = text
    return found


def step_of(url: str) -> tuple[str, dict[str, str]]:
    """Split an address the hotline gave Twilio into the call's step and its query (t, v, silence...)."""
    parts = urlsplit(url)
    # PUBLIC_URL may carry a path of its own before the hotline's.
    before, prefix, step = parts.path.rpartition(urls.VOICE + "/")
    if not prefix or not step or "/" in step:
        raise ValueError("not a step of a call")
    return step, {key: values[-1] for key, values in parse_qs(parts.query).items()}
