"""The languages registry: every fact about a language the hotline needs, in one place."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Language:
    code: str  # catalog folder under locales/, and what contacts store
    babel_locale: str  # for dates, numbers and plural rules
    english_name: str
    native_name: str  # shown in menus, and texting it switches to the language
    aliases: tuple[str, ...] = ()  # more names that switch to it
    rtl: bool = False
    latin_script: bool = True
    dateparser_code: str | None = None
    # Voice: Twilio <Say> language and voice, and speech-recognition language.
    say_language: str | None = None
    say_voice: str | None = None
    speech_language: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.native_name, self.english_name, *self.aliases)


REGISTRY: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language(
            "en", "en_US", "English", "English",
            dateparser_code="en", say_language="en-US", say_voice="Polly.Joanna-Neural",
            speech_language="en-US",
        ),
        Language(
            "es", "es_US", "Spanish", "Español", aliases=("Espanol", "Castellano"),
            dateparser_code="es", say_language="es-US", say_voice="Polly.Lupe-Neural",
            speech_language="es-US",
        ),
    )
}


def get(code: str | None) -> Language | None:
    return REGISTRY.get(code or "")
