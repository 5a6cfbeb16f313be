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
    dateparser_code: str | None = None  # None: dateparser does not read this language
    # Voice: Twilio <Say> language and voice, and speech-recognition language.
    say_language: str | None = None
    say_voice: str | None = None
    speech_language: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.native_name, self.english_name, *self.aliases)


# Voice: Twilio has no Haitian Creole voice or speech recognition (recorded audio instead), and
# Vietnamese, Arabic (Modern Standard), Russian and Tagalog voices are Google's. Only
# registered languages with a catalog under locales/ are offered.
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
        Language(
            "zh", "zh_Hans_CN", "Chinese", "中文",
            aliases=("Chinese", "Mandarin", "Zhongwen", "Putonghua", "Hanyu", "普通话", "普通話", "汉语", "漢語",
                     "华语", "華語", "国语", "國語", "中国话", "中國話", "简体中文", "中文简体", "繁體中文", "中文繁體"),
            latin_script=False, dateparser_code="zh", say_language="cmn-CN", say_voice="Polly.Zhiyu-Neural",
            speech_language="cmn-Hans-CN",
        ),
        Language(
            "vi", "vi_VN", "Vietnamese", "Tiếng Việt",
            aliases=("Vietnamese", "Việt", "TiếngViệt", "Tiếng Việt Nam", "Việt ngữ"),
            dateparser_code="vi", say_language="vi-VN", say_voice="Google.vi-VN-Wavenet-A",
            speech_language="vi-VN",
        ),
        Language(
            "ht", "ht", "Haitian Creole", "Kreyòl",
            aliases=("Kreyòl ayisyen", "Ayisyen", "Creole", "Haitian", "Créole haïtien", "Kreol"),
            dateparser_code=None, say_language=None, say_voice=None, speech_language=None,
        ),
        Language(
            "ar", "ar", "Arabic", "العربية",
            aliases=("Arabic", "عربي", "عربى", "العربيه", "عربية", "اللغة العربية", "بالعربي", "بالعربية",
                     "Arabi", "Arabe"),
            rtl=True, latin_script=False, dateparser_code="ar", say_language="ar-XA",
            say_voice="Google.ar-XA-Wavenet-A", speech_language="ar-EG",
        ),
        Language(
            "fr", "fr_FR", "French", "Français",
            aliases=("French", "Francais", "Le français", "En français", "Francés", "Franse"),
            dateparser_code="fr", say_language="fr-FR", say_voice="Polly.Lea-Neural",
            speech_language="fr-FR",
            # "aout" (the 1990 spelling) keeps a date in August in GSM-7: "août" would double the cost.
            extra={"date_spellings": (("août", "aout"),)},
        ),
        Language(
            "ru", "ru_RU", "Russian", "Русский",
            aliases=("Russian", "Русский язык", "По-русски", "Russkiy", "Russkij", "Russkii", "Russki"),
            latin_script=False, dateparser_code="ru", say_language="ru-RU", say_voice="Google.ru-RU-Wavenet-A",
            speech_language="ru-RU",
        ),
        Language(
            "ko", "ko_KR", "Korean", "한국어",
            aliases=("Korean", "Hangugeo", "Hangukeo", "Hangul", "Hangeul", "한글", "한국말", "한국", "조선말", "조선어"),
            latin_script=False, dateparser_code="ko", say_language="ko-KR", say_voice="Polly.Seoyeon-Neural",
            speech_language="ko-KR",
        ),
        Language(
            "tl", "fil_PH", "Tagalog", "Tagalog",
            aliases=("Filipino", "Pilipino", "Wikang Tagalog", "Wikang Filipino", "Wikang Pilipino", "Taglish"),
            dateparser_code="tl", say_language="fil-PH", say_voice="Google.fil-PH-Wavenet-A",
            speech_language="fil-PH",
        ),
    )
}


def get(code: str | None) -> Language | None:
    return REGISTRY.get(code or "")
