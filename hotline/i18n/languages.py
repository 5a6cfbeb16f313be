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
    # Its name as written inside a sentence of each shipped language, by that language's code
    # ("es": "inglés", "fr": "anglais"); its own entry is the form its own sentences take
    # ("le escribiré en español", "je vous écris en français", "язык: русский").
    called: dict = field(default_factory=dict, compare=False, hash=False)
    # The words for "and" people put between language names in a list ("english and spanish").
    # Written with a hyphen, a word joined onto a name: after it ("영어와" is "-와"), before it
    # ("والعربية" is "و-"); without spaces in its script, one that stands inside a word ("英语和中文").
    joining: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name that switches to it or picks it: in itself, in English, in each shipped language."""
        return tuple(dict.fromkeys((self.native_name, self.english_name, *self.called.values(), *self.aliases)))

    def name_in(self, code: str) -> str:
        """Its name inside a sentence written in the language `code` (in itself: `in_sentence`)."""
        return self.called.get(code) or (self.english_name if code == "en" else self.native_name)

    @property
    def in_sentence(self) -> str:
        """Its name inside a sentence of its own ("en español", "en français")."""
        return self.name_in(self.code)


# How each language is named inside a sentence of every shipped language: by the language named,
# then by the language written in. A name here is also a whole message that switches to the
# language, so none may be a common word or a command word in any language (tests check).
CALLED: dict[str, dict[str, str]] = {
    "en": {"en": "English", "es": "inglés", "zh": "英语", "vi": "tiếng Anh", "ht": "angle",
           "ar": "الإنجليزية", "fr": "anglais", "ru": "английский", "ko": "영어", "tl": "Ingles"},
    "es": {"en": "Spanish", "es": "español", "zh": "西班牙语", "vi": "tiếng Tây Ban Nha", "ht": "panyòl",
           "ar": "الإسبانية", "fr": "espagnol", "ru": "испанский", "ko": "스페인어", "tl": "Espanyol"},
    "zh": {"en": "Chinese", "es": "chino", "zh": "中文", "vi": "tiếng Trung", "ht": "chinwa",
           "ar": "الصينية", "fr": "chinois", "ru": "китайский", "ko": "중국어", "tl": "Tsino"},
    "vi": {"en": "Vietnamese", "es": "vietnamita", "zh": "越南语", "vi": "tiếng Việt", "ht": "vyetnamyen",
           "ar": "الفيتنامية", "fr": "vietnamien", "ru": "вьетнамский", "ko": "베트남어", "tl": "Vietnamese"},
    "ht": {"en": "Haitian Creole", "es": "criollo haitiano", "zh": "海地克里奥尔语", "vi": "tiếng Creole Haiti",
           "ht": "kreyòl", "ar": "الكريولية الهايتية", "fr": "créole haïtien", "ru": "гаитянский креольский",
           "ko": "아이티 크리올어", "tl": "Haitian Creole"},
    "ar": {"en": "Arabic", "es": "árabe", "zh": "阿拉伯语", "vi": "tiếng Ả Rập", "ht": "arab",
           "ar": "العربية", "fr": "arabe", "ru": "арабский", "ko": "아랍어", "tl": "Arabe"},
    "fr": {"en": "French", "es": "francés", "zh": "法语", "vi": "tiếng Pháp", "ht": "fransè",
           "ar": "الفرنسية", "fr": "français", "ru": "французский", "ko": "프랑스어", "tl": "Pranses"},
    "ru": {"en": "Russian", "es": "ruso", "zh": "俄语", "vi": "tiếng Nga", "ht": "ris",
           "ar": "الروسية", "fr": "russe", "ru": "русский", "ko": "러시아어", "tl": "Ruso"},
    "ko": {"en": "Korean", "es": "coreano", "zh": "韩语", "vi": "tiếng Hàn", "ht": "koreyen",
           "ar": "الكورية", "fr": "coréen", "ru": "корейский", "ko": "한국어", "tl": "Koreano"},
    "tl": {"en": "Tagalog", "es": "tagalo", "zh": "他加禄语", "vi": "tiếng Tagalog", "ht": "tagalog",
           "ar": "التاغالوغية", "fr": "tagalog", "ru": "тагальский", "ko": "타갈로그어", "tl": "Tagalog"},
}


# Voice: Twilio has no Haitian Creole voice or speech recognition (recorded audio instead), and
# Vietnamese, Arabic (Modern Standard), Russian and Tagalog voices are Google's. Only
# registered languages with a catalog under locales/ are offered.
REGISTRY: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language(
            "en", "en_US", "English", "English",
            joining=("and", "&", "plus"),
            aliases=("英文", "英語", "الانجليزية", "الإنكليزية", "الانكليزية", "إنجليزي", "انجليزي",
                     "Английский язык", "По-английски"),
            called=CALLED["en"],
            dateparser_code="en", say_language="en-US", say_voice="Polly.Joanna-Neural",
            speech_language="en-US",
        ),
        Language(
            "es", "es_US", "Spanish", "Español",
            joining=("y", "e"),
            aliases=("Castellano", "西班牙文", "西班牙語", "الاسبانية", "إسباني", "اسباني", "Испанский язык",
                     "По-испански", "Kastila", "Espanyòl"),
            called=CALLED["es"],
            # "y" is written "e" before a word starting with the sound i: "español e inglés".
            extra={"list_rewrites": ((r"\by (?=h?[ií](?![aeoáéó]))", "e "),)},
            dateparser_code="es", say_language="es-US", say_voice="Polly.Lupe-Neural",
            speech_language="es-US",
        ),
        Language(
            "zh", "zh_Hans_CN", "Chinese", "中文",
            joining=("和", "跟", "与", "與", "及", "以及", "还有", "還有"),
            aliases=("Mandarin", "Zhongwen", "Putonghua", "Hanyu", "普通话", "普通話", "汉语", "漢語",
                     "华语", "華語", "国语", "國語", "中国话", "中國話", "简体中文", "中文简体", "繁體中文", "中文繁體",
                     "tiếng Hoa", "tiếng Trung Quốc", "صيني", "Китайский язык", "По-китайски", "Chinwa"),
            called=CALLED["zh"],
            latin_script=False, dateparser_code="zh", say_language="cmn-CN", say_voice="Polly.Zhiyu-Neural",
            speech_language="cmn-Hans-CN",
        ),
        Language(
            "vi", "vi_VN", "Vietnamese", "Tiếng Việt",
            joining=("và", "với", "cùng"),
            aliases=("Việt", "TiếngViệt", "Tiếng Việt Nam", "Việt ngữ", "越南文", "越南語", "越南话", "فيتنامي",
                     "Вьетнамский язык", "Biyetnames"),
            called=CALLED["vi"],
            dateparser_code="vi", say_language="vi-VN", say_voice="Google.vi-VN-Wavenet-A",
            speech_language="vi-VN",
        ),
        Language(
            "ht", "ht", "Haitian Creole", "Kreyòl",
            joining=("ak", "e", "epi"),
            aliases=("Kreyòl ayisyen", "Ayisyen", "Creole", "Haitian", "Kreol", "Créole", "Criollo",
                     "Creole haitiano", "海地语", "海地克里奧爾語", "tiếng Haiti", "الهايتية", "Креольский",
                     "Гаитянский", "아이티어"),
            called=CALLED["ht"],
            dateparser_code=None, say_language=None, say_voice=None, speech_language=None,
        ),
        Language(
            "ar", "ar", "Arabic", "العربية",
            joining=("و-",),
            aliases=("عربي", "عربى", "العربيه", "عربية", "اللغة العربية", "بالعربي", "بالعربية",
                     "Arabi", "阿拉伯文", "阿拉伯語", "Арабский язык", "Arabiko"),
            called=CALLED["ar"],
            rtl=True, latin_script=False, dateparser_code="ar", say_language="ar-XA",
            say_voice="Google.ar-XA-Wavenet-A", speech_language="ar-EG",
        ),
        Language(
            "fr", "fr_FR", "French", "Français",
            joining=("et",),
            aliases=("Le français", "En français", "Franse", "法文", "法語", "فرنسي", "Французский язык",
                     "По-французски"),
            called=CALLED["fr"],
            dateparser_code="fr", say_language="fr-FR", say_voice="Polly.Lea-Neural",
            speech_language="fr-FR",
            # "aout" (the 1990 spelling) keeps a date in August in GSM-7: "août" would double the cost.
            extra={"date_spellings": (("août", "aout"),)},
        ),
        Language(
            "ru", "ru_RU", "Russian", "Русский",
            joining=("и",),
            aliases=("Русский язык", "По-русски", "Russkiy", "Russkij", "Russkii", "Russki", "俄文", "俄語",
                     "روسي"),
            called=CALLED["ru"],
            latin_script=False, dateparser_code="ru", say_language="ru-RU", say_voice="Google.ru-RU-Wavenet-A",
            speech_language="ru-RU",
        ),
        Language(
            "ko", "ko_KR", "Korean", "한국어",
            joining=("그리고", "및", "-와", "-과", "-하고", "-랑", "-이랑"),
            aliases=("Hangugeo", "Hangukeo", "Hangul", "Hangeul", "한글", "한국말", "한국", "조선말", "조선어",
                     "韩文", "韓語", "韓文", "朝鲜语", "朝鮮語", "tiếng Hàn Quốc", "كوري", "Корейский язык"),
            called=CALLED["ko"],
            latin_script=False, dateparser_code="ko", say_language="ko-KR", say_voice="Polly.Seoyeon-Neural",
            speech_language="ko-KR",
        ),
        Language(
            "tl", "fil_PH", "Tagalog", "Tagalog",
            joining=("at",),
            aliases=("Filipino", "Pilipino", "Wikang Tagalog", "Wikang Filipino", "Wikang Pilipino", "Taglish",
                     "他加祿語", "菲律宾语", "菲律賓語", "tiếng Philippines", "الفلبينية", "Тагалог", "Филиппинский",
                     "필리핀어"),
            called=CALLED["tl"],
            dateparser_code="tl", say_language="fil-PH", say_voice="Google.fil-PH-Wavenet-A",
            speech_language="fil-PH",
        ),
    )
}


def get(code: str | None) -> Language | None:
    return REGISTRY.get(code or "")
