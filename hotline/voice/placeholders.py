"""The sentences a call says most, and synthesized placeholder recordings of them where espeak-ng speaks the language.

A placeholder is listed in locales/<ll>/audio/synthesized.tsv: the console shows it as one to
replace with a person's recording, and the recording line asks recorders for it like any other.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..config import Settings
from ..flows.engine import enabled_languages
from ..i18n import Translator, languages
from ..needs import CATEGORIES, MENU
from . import audio
from .turn import language_keys, language_option

# The sentences of a call heard most, in the order a first call hears them.
COMMON = (
    ("voice", "Welcome to the mutual aid hotline. Press 0 at any time to leave a message for a coordinator."),
    ("voice", "Welcome back to the mutual aid hotline. Press 9 for another language, or 0 to leave a message."),
    ("voice", "What do you need help with?"),
    ("voice", "To enter a ZIP code or a number, press it on the keypad, then pound. Or wait for the tone, say "
              "your answer, then press pound."),
    ("voice", "Sorry, I did not hear anything."),
    ("voice", "Thank you for calling. Goodbye."),
)
# The kinds of help said as choices of the first question ("Food: press 1."), the most asked first.
COMMON_CHOICES = ("food", "ride", "housing", "health")


def menu_line(settings: Settings, code: str) -> str | None:
    """The language menu's line for this language, in it ("Pou Kreyòl, peze 5.")."""
    offered = enabled_languages(settings)
    for lang, key in zip(offered, language_keys(len(offered))):
        if lang.code == code:
            return language_option(Translator(code, settings.locales_dir), lang, key)
    return None


def common_sentences(settings: Settings, code: str) -> list[str]:
    """The menu line and the ten sentences a call says most, in this language (those it has translated)."""
    t, english = Translator(code, settings.locales_dir), Translator("en", settings.locales_dir)
    found = [line for line in [menu_line(settings, code)] if line]
    for context, message in COMMON:
        said = t.pgettext(context, message)
        if code == "en" or said != english.pgettext(context, message):
            found.append(said)
    for category in COMMON_CHOICES:
        label, number = t._(CATEGORIES[category]), MENU.index(category) + 1
        if code == "en" or label != english._(CATEGORIES[category]):
            found.append(t.pgettext("voice", "%(label)s: press %(digit)s.", label=label, digit=number))
    return list(dict.fromkeys(found))


def can_synthesize(code: str) -> bool:
    """Tell whether espeak-ng and sox are here, and espeak-ng has a voice for the language."""
    if not (shutil.which("espeak-ng") and shutil.which("sox")):
        return False
    voices = subprocess.run(["espeak-ng", "--voices=" + code], capture_output=True, text=True, check=False).stdout
    return any(line.split()[1:2] == [code] for line in voices.splitlines()[1:])


def synthesize(text: str, code: str, target: Path) -> None:
    """Speak `text` with espeak-ng into an 8 kHz mono WAV (small, and Twilio plays it)."""
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "raw.wav"
        subprocess.run(["espeak-ng", "-v", code, "-s", "150", "-w", str(raw), text], check=True, capture_output=True)
        subprocess.run(["sox", str(raw), "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", str(target)],
                       check=True, capture_output=True)


def write_placeholders(settings: Settings, code: str) -> list[tuple[str, str]]:
    """Synthesize the common sentences that have no recording yet; list every placeholder in the manifest."""
    lang = languages.get(code)
    if lang is None:
        raise ValueError(f"{code} is not a registered language")
    folder = audio.audio_dir(settings.locales_dir, code)
    folder.mkdir(parents=True, exist_ok=True)
    listed = audio.synthesized(settings.locales_dir, code)
    for sentence in common_sentences(settings, code):
        existing = audio.find(settings.locales_dir, code, sentence)
        if existing is not None and existing not in listed:
            continue  # a person's recording is here: it is never overwritten
        name = f"{audio.audio_key(sentence)}.wav"
        if name in listed and (folder / name).is_file():
            continue  # the same words make the same placeholder: kept as it is
        synthesize(sentence, code, folder / name)
        listed[name] = sentence
    # Placeholders of sentences whose words changed match nothing any more: they go.
    current = {f"{audio.audio_key(s)}.wav" for s in common_sentences(settings, code)}
    for name in [n for n in listed if n not in current]:
        (folder / name).unlink(missing_ok=True)
        del listed[name]
    lines = [f"{name}\t{sentence}" for name, sentence in sorted(listed.items(), key=lambda item: item[1])]
    header = (f"# Synthesized with espeak-ng -v {code}: placeholders, to be replaced by people's recordings "
              "(hotline voice placeholders).\n")
    (folder / audio.SYNTHESIZED).write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return sorted(listed.items())
