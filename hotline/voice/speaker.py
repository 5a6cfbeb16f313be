"""How a sentence sounds to one caller: a Twilio voice, a recording, or a fallback language."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .. import urls
from ..config import Settings
from ..i18n import languages
from ..i18n.spoken import speakable
from ..needs import split_recordings
from . import audio


@dataclass(frozen=True)
class Words:
    """A sentence to say, and the same sentence in the caller's own language when that has no voice."""

    text: str  # in the language the call is spoken in
    own: str | None = None  # looked up among the recordings of the caller's language


def fallback_language(settings: Settings) -> languages.Language:
    """Return the language calls are spoken in when the caller's has no voice; it must have one."""
    lang = languages.get(settings.voice_fallback_language)
    if lang is None or not lang.say_language:
        return languages.REGISTRY["en"]
    return lang


class Speaker:
    """Say sentences to a caller whose language is `code`."""

    def __init__(self, settings: Settings, code: str, recording_url: Callable[[int], str | None] | None = None,
                 approved: Callable[[str, str], str | None] | None = None):
        self.settings = settings
        # Recordings of sentences that coordinators approved, by (language, sentence): before any file.
        self.approved = approved or (lambda _code, _text: None)
        self.own = languages.get(code) or languages.REGISTRY["en"]
        self.speaks = self.own if self.own.say_language else fallback_language(settings)
        # Recorded answers of this caller, played where their words are read back.
        self.recording_url = recording_url or (lambda _id: None)

    @property
    def has_voice(self) -> bool:
        return self.own.say_language is not None

    @property
    def listens(self) -> str | None:
        """The speech-recognition language for this caller; None when their words are recorded instead."""
        return self.own.speech_language

    def audio_url(self, text: str) -> str | None:
        name = self.approved(self.own.code, text) or audio.find(self.settings.locales_dir, self.own.code, text)
        if name is None:
            return None
        return urls.public(self.settings, urls.audio(self.own.code, name))

    def speak(self, parent, words: Words | str) -> None:
        """Add the verbs that say these words to a <Response> or <Gather>."""
        if isinstance(words, str):
            words = Words(words)
        if words.own is not None:
            url = self.audio_url(words.own)
            if url is not None:
                parent.play(url)
                return
        for kind, piece in split_recordings(words.text):
            if kind == "recording":
                url = self.recording_url(int(piece))
                if url:
                    parent.play(url)
                continue
            text = speakable(piece)
            if text.strip(" .,:;"):
                parent.say(text, language=self.speaks.say_language, voice=self.speaks.say_voice)
