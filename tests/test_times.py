"""Reading the times people type, in their language, and reading them back for their locale."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline import times
from hotline.i18n import time_words
from hotline.i18n import languages

ZONE = "America/New_York"
# Tuesday 1 December 2026, 10:00 in New York.
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)
HORIZON = timedelta(days=60)


def parse(text: str, language: str, now: datetime = NOW, **known) -> times.When:
    return times.parse_when(text, language, now, ZONE, HORIZON, **known)


def wall(text: str, language: str, now: datetime = NOW) -> str:
    when = parse(text, language, now)
    assert when.ok, (text, when)
    return when.wall


@pytest.mark.parametrize("text, expected", [
    ("tomorrow 3pm", "2026-12-02T15:00"),
    ("tomorrow at 3", "2026-12-02T15:00"),  # a bare hour reads as a daytime hour
    ("tomorrow at 9", "2026-12-02T09:00"),
    ("Thu 10:30", "2026-12-03T10:30"),
    ("next Tuesday morning", "2026-12-08T09:00"),
    ("friday evening", "2026-12-04T18:00"),
    ("tonight", "2026-12-01T20:00"),
    ("this afternoon", "2026-12-01T14:00"),
    ("noon tomorrow", "2026-12-02T12:00"),
    ("dec 5 at 2:30pm", "2026-12-05T14:30"),
    ("12/5 3pm", "2026-12-05T15:00"),
    ("the 5th at 3pm", "2026-12-05T15:00"),
    ("Monday at 9:15", "2026-12-07T09:15"),
    ("tmrw 3pm", "2026-12-02T15:00"),
    ("half past 2 tomorrow", "2026-12-02T14:30"),
    ("friday at 3 o'clock", "2026-12-04T15:00"),
    ("in 2 hours", "2026-12-01T12:00"),
])
def test_english_times_people_type(text, expected):
    assert wall(text, "en") == expected


@pytest.mark.parametrize("text, expected", [
    ("mañana a las 3", "2026-12-02T15:00"),
    ("jue 10:30", "2026-12-03T10:30"),
    ("el jueves a las 10", "2026-12-03T10:00"),
    ("mañana por la mañana", "2026-12-02T09:00"),
    ("mañana a las 3 de la tarde", "2026-12-02T15:00"),
    ("lunes 9 de la mañana", "2026-12-07T09:00"),
    ("esta noche a las 8", "2026-12-01T20:00"),
    ("el próximo martes a las 10", "2026-12-08T10:00"),
    ("pasado mañana a las 11", "2026-12-03T11:00"),
    ("mañana al mediodía", "2026-12-02T12:00"),
    ("mañana a la una", "2026-12-02T13:00"),
    ("el viernes a las 3 y media", "2026-12-04T15:30"),
    ("jueves 3 de diciembre a las 3 de la tarde", "2026-12-03T15:00"),
    ("5 de diciembre 10am", "2026-12-05T10:00"),
    ("5/12 15:00", "2026-12-05T15:00"),  # day first, as Spanish writes it
    ("hoy a las 5 p. m.", "2026-12-01T17:00"),
    ("el día 5 a las 3", "2026-12-05T15:00"),
    ("mañana 15 hrs", "2026-12-02T15:00"),
])
def test_spanish_times_people_type(text, expected):
    assert wall(text, "es") == expected


@pytest.mark.parametrize("text, expected", [
    ("明天下午三点", "2026-12-02T15:00"),
    ("明天下午3点", "2026-12-02T15:00"),
    ("明天三点", "2026-12-02T15:00"),
    ("下周二上午十点半", "2026-12-08T10:30"),
    ("周四10:30", "2026-12-03T10:30"),
    ("今晚8点", "2026-12-01T20:00"),
    ("明天早上", "2026-12-02T09:00"),
    ("12月5日下午2点", "2026-12-05T14:00"),
    ("5号下午3点", "2026-12-05T15:00"),
    ("后天中午12点", "2026-12-03T12:00"),
    ("星期五下午两点", "2026-12-04T14:00"),
    ("明天下午三点十五分", "2026-12-02T15:15"),
    ("这周五下午3点", "2026-12-04T15:00"),
    ("明天中午", "2026-12-02T12:00"),  # 中午 alone is noon
    ("12/5 下午3点", "2026-12-05T15:00"),  # month first
    ("禮拜五下午兩點", "2026-12-04T14:00"),  # traditional characters
    ("週五上午10點", "2026-12-04T10:00"),
    ("两个小时后", "2026-12-01T12:00"),
    ("3天后下午2点", "2026-12-04T14:00"),
])
def test_chinese_times_people_type(text, expected):
    assert wall(text, "zh") == expected


@pytest.mark.parametrize("text, expected", [
    ("내일 오후 3시", "2026-12-02T15:00"),
    ("내일오후3시", "2026-12-02T15:00"),  # spaces left out, as people often text
    ("내일 3시", "2026-12-02T15:00"),
    ("낼 오후 3시 반", "2026-12-02T15:30"),
    ("내일 오후 세 시", "2026-12-02T15:00"),  # native numerals for the hour
    ("금요일 오후 두시 반", "2026-12-04T14:30"),
    ("다음 주 화요일 오전 10시", "2026-12-08T10:00"),
    ("다음주 화요일 아침", "2026-12-08T09:00"),
    ("담주 화 10시", "2026-12-08T10:00"),
    ("이번 주 금요일 오후 3시", "2026-12-04T15:00"),
    ("목 10:30", "2026-12-03T10:30"),
    ("금요일 저녁", "2026-12-04T18:00"),
    ("오늘 밤 8시", "2026-12-01T20:00"),
    ("오늘 오후", "2026-12-01T14:00"),
    ("내일 정오", "2026-12-02T12:00"),
    ("내일 점심", "2026-12-02T12:00"),
    ("내일 낮 12시", "2026-12-02T12:00"),
    ("12월 5일 오후 2시 30분", "2026-12-05T14:30"),
    ("12/5 오후 3시", "2026-12-05T15:00"),  # month first
    ("5일 오후 3시", "2026-12-05T15:00"),
    ("모레 11시", "2026-12-03T11:00"),
    ("내일모레 오전 11시", "2026-12-03T11:00"),
    ("3일 후 오후 2시", "2026-12-04T14:00"),
    ("월요일 9시 15분", "2026-12-07T09:15"),
    ("내일 새벽 5시", "2026-12-02T05:00"),
    ("내일 저녁 7시", "2026-12-02T19:00"),
    ("내일 오후 3시에 부탁드립니다", "2026-12-02T15:00"),
    ("내일 아침 9시에요", "2026-12-02T09:00"),
    ("한 시간 후", "2026-12-01T11:00"),
])
def test_korean_times_people_type(text, expected):
    assert wall(text, "ko") == expected


@pytest.mark.parametrize("text, expected", [
    ("demain à 15h", "2026-12-02T15:00"),
    ("demain 15h", "2026-12-02T15:00"),
    ("Demain a 15H30", "2026-12-02T15:30"),
    ("demain à 3h", "2026-12-02T15:00"),  # a bare hour reads as a daytime hour
    ("demain à 3h de l'après-midi", "2026-12-02T15:00"),
    ("demain à 3h de l’après-midi", "2026-12-02T15:00"),
    ("demain 9h du matin", "2026-12-02T09:00"),
    ("demain matin", "2026-12-02T09:00"),
    ("demain après-midi", "2026-12-02T14:00"),
    ("jeu 10h30", "2026-12-03T10:30"),
    ("ven 15h", "2026-12-04T15:00"),
    ("sam. 10h", "2026-12-05T10:00"),
    ("jeudi à 10h", "2026-12-03T10:00"),
    ("mardi prochain matin", "2026-12-08T09:00"),
    ("mardi prochain à 10h", "2026-12-08T10:00"),
    ("après-demain à 11h", "2026-12-03T11:00"),
    ("apres demain 11h", "2026-12-03T11:00"),
    ("demain midi", "2026-12-02T12:00"),
    ("demain midi et demi", "2026-12-02T12:30"),
    ("ce soir à 8h", "2026-12-01T20:00"),
    ("ce soir", "2026-12-01T18:00"),
    ("cet après-midi", "2026-12-01T14:00"),
    ("vendredi à 8h du soir", "2026-12-04T20:00"),
    ("vendredi 3h et demie", "2026-12-04T15:30"),
    ("demain 10h moins le quart", "2026-12-02T09:45"),
    ("demain à 14 heures", "2026-12-02T14:00"),
    ("lundi 9 h 15", "2026-12-07T09:15"),
    ("le 5 à 15h", "2026-12-05T15:00"),
    ("5 décembre 10h", "2026-12-05T10:00"),
    ("5 déc 14h30", "2026-12-05T14:30"),
    ("5/12 15h", "2026-12-05T15:00"),  # day first, as French writes it
    ("aujourd'hui à 17h", "2026-12-01T17:00"),
    ("aujourd’hui 17h", "2026-12-01T17:00"),
    ("2main 15h", "2026-12-02T15:00"),
    ("dans 2 heures", "2026-12-01T12:00"),
    ("dans 2h", "2026-12-01T12:00"),
])
def test_french_times_people_type(text, expected):
    assert wall(text, "fr") == expected


@pytest.mark.parametrize("text, expected", [
    ("غدا الساعة 3 مساء", "2026-12-02T15:00"),
    ("غدًا الساعة ٣ مساءً", "2026-12-02T15:00"),  # Arabic-Indic digits and short vowels
    ("بكرة الساعة 3", "2026-12-02T15:00"),
    ("بكرا 3 العصر", "2026-12-02T15:00"),
    ("غدا الساعة 3 بعد الظهر", "2026-12-02T15:00"),
    ("غدا الساعة 10 صباحا", "2026-12-02T10:00"),
    ("غدا الصبح", "2026-12-02T09:00"),
    ("غدا الظهر", "2026-12-02T12:00"),
    ("غدا 1 ظهرا", "2026-12-02T13:00"),
    ("غدا 9 مساء", "2026-12-02T21:00"),
    ("غدا 3 م", "2026-12-02T15:00"),
    ("الخميس 10:30", "2026-12-03T10:30"),
    ("يوم الخميس الساعة 10 صباحا", "2026-12-03T10:00"),
    ("الثلاثاء القادم صباحا", "2026-12-08T09:00"),
    ("الثلاثاء الجاي الصبح", "2026-12-08T09:00"),
    ("بعد غد الساعة 11", "2026-12-03T11:00"),
    ("بعد بكرة الساعة 11", "2026-12-03T11:00"),
    ("الليلة الساعة 8", "2026-12-01T20:00"),
    ("النهاردة الساعة 5", "2026-12-01T17:00"),
    ("الجمعة الساعة 3 ونص", "2026-12-04T15:30"),
    ("الجمعة 3 وربع", "2026-12-04T15:15"),
    ("الجمعة 4 إلا ربع", "2026-12-04T15:45"),
    ("5 ديسمبر الساعة 10 صباحا", "2026-12-05T10:00"),
    ("يوم 5 الساعة 3", "2026-12-05T15:00"),
    ("5/12 15:00", "2026-12-05T15:00"),
    ("مساء الخميس", "2026-12-03T18:00"),
    ("صباح الغد", "2026-12-02T09:00"),
    ("بعد ساعة", "2026-12-01T11:00"),
    ("بعد ساعتين", "2026-12-01T12:00"),
])
def test_arabic_times_people_type(text, expected):
    assert wall(text, "ar") == expected


@pytest.mark.parametrize("text, expected", [
    ("завтра в 15:00", "2026-12-02T15:00"),
    ("завтра в 3", "2026-12-02T15:00"),
    ("завтра в 3 часа дня", "2026-12-02T15:00"),
    ("завтра в час дня", "2026-12-02T13:00"),
    ("завтра в 10 утра", "2026-12-02T10:00"),
    ("чт 10:30", "2026-12-03T10:30"),
    ("в четверг в 10", "2026-12-03T10:00"),
    ("в следующий вторник утром", "2026-12-08T09:00"),
    ("во вторник на следующей неделе в 10", "2026-12-08T10:00"),
    ("на следующей неделе в пятницу 15:00", "2026-12-11T15:00"),
    ("сегодня вечером в 8", "2026-12-01T20:00"),
    ("сегодня в 8 вечера", "2026-12-01T20:00"),
    ("послезавтра в 11", "2026-12-03T11:00"),
    ("завтра в полдень", "2026-12-02T12:00"),
    ("в пятницу в половине четвёртого", "2026-12-04T15:30"),
    ("5 декабря в 2 часа дня", "2026-12-05T14:00"),
    ("5-го в 15:00", "2026-12-05T15:00"),
    ("5 числа в 3", "2026-12-05T15:00"),
    ("5.12 в 15.00", "2026-12-05T15:00"),  # day first; a dot in a time after "в"
    ("завтра в 15.30", "2026-12-02T15:30"),
    ("завтра к 3", "2026-12-02T15:00"),
    ("15 ч завтра", "2026-12-02T15:00"),
    ("через 2 дня в 10", "2026-12-03T10:00"),
    ("через час", "2026-12-01T11:00"),
    ("четверг, 3 декабря, 15:00", "2026-12-03T15:00"),  # the read-back, typed back
])
def test_russian_times_people_type(text, expected):
    assert wall(text, "ru") == expected


@pytest.mark.parametrize("text, expected", [
    ("demen a 3è", "2026-12-02T15:00"),
    ("demen 3è apremidi", "2026-12-02T15:00"),
    ("demen a twazè", "2026-12-02T15:00"),
    ("demen 3pm", "2026-12-02T15:00"),
    ("jedi a 10è", "2026-12-03T10:00"),
    ("jedi 10:30", "2026-12-03T10:30"),
    ("madi pwochen nan maten", "2026-12-08T09:00"),
    ("madi k ap vini a 10è", "2026-12-08T10:00"),
    ("apredemen a 11è", "2026-12-03T11:00"),
    ("demen a midi", "2026-12-02T12:00"),
    ("vandredi a 3è edmi", "2026-12-04T15:30"),
    ("vandredi 3è30", "2026-12-04T15:30"),
    ("aswè a a 8è", "2026-12-01T20:00"),
    ("demen aswè a 8è", "2026-12-02T20:00"),
    ("samdi 5 desanm 10è nan maten", "2026-12-05T10:00"),
    ("5/12 a 3è", "2026-12-05T15:00"),  # day first, as Haiti writes it
    ("jou 5 a 3è", "2026-12-05T15:00"),
    ("nan 2 èdtan", "2026-12-01T12:00"),
    ("mwen bezwen ale demen a 3è tanpri", "2026-12-02T15:00"),
    ("jedi 3 desanm a 3:00 PM", "2026-12-03T15:00"),  # the read-back, typed back
    ("tomorrow 3pm", "2026-12-02T15:00"),  # English words are read too
    ("demain à 15h", "2026-12-02T15:00"),  # and French ones
    ("vendredi 15h30", "2026-12-04T15:30"),
])
def test_haitian_creole_times_people_type_without_the_date_library_knowing_kreyol(text, expected):
    assert times.dateparser_code("ht") == "en"
    assert wall(text, "ht") == expected


@pytest.mark.parametrize("text, language, problem, missing", [
    ("в пятницу", "ru", times.AMBIGUOUS, "time"), ("в 17 часов", "ru", times.AMBIGUOUS, "day"),
    ("вчера в 15:00", "ru", times.PAST, None), ("не знаю", "ru", times.NOT_UNDERSTOOD, None),
    ("3 марта 2027 в 10", "ru", times.TOO_FAR, None),
    ("vandredi", "ht", times.AMBIGUOUS, "time"), ("a 3è", "ht", times.AMBIGUOUS, "day"),
    ("yè a 3è", "ht", times.PAST, None), ("m pa konnen", "ht", times.NOT_UNDERSTOOD, None),
    ("2 mas 2027 a 10è", "ht", times.TOO_FAR, None),
])
def test_russian_and_kreyol_times_that_cannot_be_booked_as_typed(text, language, problem, missing):
    when = parse(text, language)
    assert (when.problem, when.missing) == (problem, missing)


def test_the_ride_examples_read_back_as_what_they_show():
    from hotline.config import PROJECT_ROOT
    from hotline.flows import ride
    from hotline.i18n import Translator

    for code in ("ru", "ht"):
        t = Translator(code, PROJECT_ROOT / "locales")
        assert wall(t._(ride.EXAMPLE), code) == "2026-12-02T15:00", code
        assert parse(t._(ride.EXAMPLE_DAY), code).missing == "time", code
        assert parse(t._(ride.EXAMPLE_BACK), code).clock == time(17), code


@pytest.mark.parametrize("text, language, expected", [
    ("tomorrow at 3pm please", "en", "2026-12-02T15:00"),
    ("I need to go tomorrow at 3pm", "en", "2026-12-02T15:00"),
    ("mañana a las 3 por favor", "es", "2026-12-02T15:00"),
    ("el jueves a las 10 gracias", "es", "2026-12-03T10:00"),
    ("明天下午三点，谢谢", "zh", "2026-12-02T15:00"),
    ("내일 오후 3시요 감사합니다", "ko", "2026-12-02T15:00"),


    ("demain à 15h s'il vous plaît", "fr", "2026-12-02T15:00"),
    ("je dois aller chez le médecin demain à 15h", "fr", "2026-12-02T15:00"),
    ("ma fille a rendez-vous jeudi à 10h", "fr", "2026-12-03T10:00"),
    ("غدا من فضلك الساعة 3", "ar", "2026-12-02T15:00"),
    ("أريد الذهاب إلى المستشفى غدا الساعة 3 مساء", "ar", "2026-12-02T15:00"),
])
def test_polite_words_around_a_time_are_let_be(text, language, expected):
    assert wall(text, language) == expected


@pytest.mark.parametrize("numeral, value", [
    ("三", 3), ("十", 10), ("十一", 11), ("十五", 15), ("二十", 20), ("二十三", 23), ("两", 2), ("四十五", 45),
])
def test_chinese_numerals_are_read_as_numbers(numeral, value):
    assert time_words.zh_number(numeral) == value


@pytest.mark.parametrize("text, expected", [
    ("ngày mai 3 giờ chiều", "2026-12-02T15:00"),
    ("ngay mai 3 gio chieu", "2026-12-02T15:00"),  # typed without tone marks
    ("mai 3h chiều", "2026-12-02T15:00"),
    ("3 giờ chiều mai", "2026-12-02T15:00"),
    ("ba giờ chiều mai", "2026-12-02T15:00"),
    ("mai 15h", "2026-12-02T15:00"),
    ("mai 3pm", "2026-12-02T15:00"),
    ("thứ năm 10:30", "2026-12-03T10:30"),
    ("thứ 5 10g30", "2026-12-03T10:30"),
    ("t6 3h chiều", "2026-12-04T15:00"),
    ("sáng thứ ba tuần sau", "2026-12-08T09:00"),
    ("thứ 2 tuần sau 8g sáng", "2026-12-07T08:00"),
    ("thứ bảy này 10 giờ", "2026-12-05T10:00"),
    ("chủ nhật 9 giờ sáng", "2026-12-06T09:00"),
    ("tối nay 8 giờ", "2026-12-01T20:00"),
    ("toi nay 8 gio", "2026-12-01T20:00"),
    ("tôi cần đi ngày mai 3 giờ chiều", "2026-12-02T15:00"),  # "tôi" is "I", not "tối"
    ("chiều nay", "2026-12-01T14:00"),
    ("trưa mai", "2026-12-02T12:00"),
    ("1 giờ trưa thứ sáu", "2026-12-04T13:00"),
    ("3 giờ rưỡi chiều mai", "2026-12-02T15:30"),
    ("mai 3 giờ kém 15 chiều", "2026-12-02T14:45"),
    ("ngày mốt 11 giờ", "2026-12-03T11:00"),
    ("ngày 5 lúc 3 giờ chiều", "2026-12-05T15:00"),
    ("ngày 5 tháng 12 lúc 10 giờ sáng", "2026-12-05T10:00"),
    ("mùng 5 tháng 1 lúc 9 giờ", "2027-01-05T09:00"),
    ("5/12 3 giờ chiều", "2026-12-05T15:00"),  # day first, as Vietnamese writes it
    ("2 tiếng nữa", "2026-12-01T12:00"),
    ("mai khoảng 3 giờ chiều ạ", "2026-12-02T15:00"),
])
def test_vietnamese_times_people_type(text, expected):
    assert wall(text, "vi") == expected


@pytest.mark.parametrize("text, expected", [
    ("bukas ng 3 ng hapon", "2026-12-02T15:00"),
    ("bukas 3pm", "2026-12-02T15:00"),
    ("bukas ng alas-3 ng hapon", "2026-12-02T15:00"),
    ("bukas alas tres ng hapon", "2026-12-02T15:00"),  # Spanish numbers after "alas"
    ("bukas ng alas dos y medya ng hapon", "2026-12-02T14:30"),
    ("alas tres menos kinse bukas ng hapon", "2026-12-02T14:45"),
    ("sa Huwebes ng 10:30 ng umaga", "2026-12-03T10:30"),
    ("Hwebes 3pm", "2026-12-03T15:00"),
    ("Biy 3pm", "2026-12-04T15:00"),
    ("sa susunod na Martes ng umaga", "2026-12-08T09:00"),
    ("sa Linggo ng alas 9 ng umaga", "2026-12-06T09:00"),  # Linggo is Sunday here
    ("mamayang gabi", "2026-12-01T20:00"),
    ("mamayang 8 ng gabi", "2026-12-01T20:00"),
    ("ngayong hapon", "2026-12-01T14:00"),
    ("bukas ng tanghali", "2026-12-02T12:00"),
    ("sa makalawa ng 11", "2026-12-03T11:00"),
    ("Disyembre 5 ng 2:30 ng hapon", "2026-12-05T14:30"),
    ("ika-5 ng Disyembre alas-10 ng umaga", "2026-12-05T10:00"),
    ("sa ika-5 alas 3", "2026-12-05T15:00"),
    ("12/5 3pm", "2026-12-05T15:00"),  # month first, as the Philippines writes it
    ("sa loob ng 2 oras", "2026-12-01T12:00"),
    ("bukas po ng alas 3 ng hapon salamat", "2026-12-02T15:00"),
])
def test_tagalog_times_people_type(text, expected):
    assert wall(text, "tl") == expected


@pytest.mark.parametrize("text, language, problem, missing", [
    ("hôm qua 3 giờ chiều", "vi", times.PAST, None),
    ("hôm nay 9 giờ sáng", "vi", times.PAST, None),
    ("3 giờ chiều", "vi", times.AMBIGUOUS, "day"),
    ("thứ sáu", "vi", times.AMBIGUOUS, "time"),
    ("tuần sau", "vi", times.AMBIGUOUS, "day"),
    ("không biết", "vi", times.NOT_UNDERSTOOD, None),
    ("kahapon ng 3pm", "tl", times.PAST, None),
    ("alas-3 ng hapon", "tl", times.AMBIGUOUS, "day"),
    ("Biyernes", "tl", times.AMBIGUOUS, "time"),
    ("sa susunod na linggo", "tl", times.AMBIGUOUS, "day"),  # next week, no day yet
    ("hindi ko alam", "tl", times.NOT_UNDERSTOOD, None),
])
def test_vietnamese_and_tagalog_times_that_need_another_question(text, language, problem, missing):
    when = parse(text, language)
    assert (when.problem, when.missing) == (problem, missing)


def test_vietnamese_and_tagalog_ride_examples_read_back_as_typed():
    # The examples the ride questions show must be understood when typed back.
    assert wall("ngày mai 3 giờ chiều", "vi") == "2026-12-02T15:00"
    assert parse("thứ Sáu", "vi").day == date(2026, 12, 4)
    assert parse("5 giờ chiều", "vi").clock == time(17)
    assert wall("bukas 3pm", "tl") == "2026-12-02T15:00"
    assert parse("Biyernes", "tl").day == date(2026, 12, 4)
    assert parse("5pm", "tl").clock == time(17)


@pytest.mark.parametrize("text, language", [
    ("yesterday 3pm", "en"), ("today 9am", "en"), ("this morning", "en"), ("yesterday", "en"),
    ("ayer", "es"),
    ("ayer a las 3 pm", "es"), ("hoy a las 9 am", "es"),
    ("昨天下午3点", "zh"), ("今天上午9点", "zh"),
    ("어제 오후 3시", "ko"), ("오늘 오전 9시", "ko"),


    ("hier", "fr"), ("hier à 15h", "fr"), ("aujourd'hui à 9h", "fr"),
    ("أمس", "ar"), ("امس الساعة 3", "ar"), ("اليوم 9 صباحا", "ar"),
])
def test_a_time_already_past_is_refused_as_past(text, language):
    assert parse(text, language).problem == times.PAST


@pytest.mark.parametrize("text, language, clock", [
    ("3", "en", time(15)), ("3pm", "en", time(15)), ("at 9:30", "en", time(9, 30)),
    ("a las 3", "es", time(15)), ("15:00", "es", time(15)),
    ("三点", "zh", time(15)), ("下午3点", "zh", time(15)),
    ("3시", "ko", time(15)), ("오후 3시", "ko", time(15)), ("오전 10시 반", "ko", time(10, 30)),


    ("15h", "fr", time(15)), ("à 15h30", "fr", time(15, 30)),
    ("الساعة 3", "ar", time(15)), ("3 عصرا", "ar", time(15)),
])
def test_a_time_without_a_day_asks_for_the_day_and_remembers_the_time(text, language, clock):
    when = parse(text, language)
    assert (when.problem, when.missing, when.clock) == (times.AMBIGUOUS, "day", clock)


@pytest.mark.parametrize("text, language, day", [
    ("tomorrow", "en", date(2026, 12, 2)), ("Thursday", "en", date(2026, 12, 3)),
    ("the 20th", "en", date(2026, 12, 20)),
    ("mañana", "es", date(2026, 12, 2)), ("el jueves", "es", date(2026, 12, 3)),
    ("明天", "zh", date(2026, 12, 2)), ("星期四", "zh", date(2026, 12, 3)),
    ("내일", "ko", date(2026, 12, 2)), ("목요일", "ko", date(2026, 12, 3)), ("금요일에", "ko", date(2026, 12, 4)),


    ("demain", "fr", date(2026, 12, 2)), ("jeudi", "fr", date(2026, 12, 3)), ("le 20", "fr", date(2026, 12, 20)),
    ("غدا", "ar", date(2026, 12, 2)), ("بكرة", "ar", date(2026, 12, 2)), ("الخميس", "ar", date(2026, 12, 3)),
])
def test_a_day_without_a_time_asks_for_the_time_and_remembers_the_day(text, language, day):
    when = parse(text, language)
    assert (when.problem, when.missing, when.day) == (times.AMBIGUOUS, "time", day)


def test_next_week_names_no_day():
    assert parse("next week", "en").missing == "day"


def test_the_missing_half_comes_from_the_earlier_answer():
    assert parse("3pm", "en", day=date(2026, 12, 3)).wall == "2026-12-03T15:00"
    assert parse("el jueves", "es", clock=time(15)).wall == "2026-12-03T15:00"


@pytest.mark.parametrize("text, language", [
    ("march 3 2027 10am", "en"), ("in 3 months", "en"), ("3 de marzo de 2027 a las 10", "es"),
    ("2027年3月3日上午10点", "zh"), ("2027년 3월 3일 오전 10시", "ko"),
])
def test_a_time_beyond_the_horizon_is_too_far(text, language):
    assert parse(text, language).problem == times.TOO_FAR


def test_the_horizon_counts_whole_days():
    # 30 January is the 60th day from 1 December: any hour of it may be booked.
    assert parse("jan 30 11pm", "en").ok
    assert parse("jan 31 7am", "en").problem == times.TOO_FAR


@pytest.mark.parametrize("text, language", [
    ("asdf", "en"), ("", "en"), ("I need to see the doctor", "en"), ("no sé", "es"), ("你好", "zh"),
    ("안녕하세요", "ko"), ("네", "ko"),


    ("je ne sais pas", "fr"), ("bonjour", "fr"), ("لا أعرف", "ar"), ("مرحبا", "ar"),
])
def test_words_with_no_time_in_them_are_not_understood(text, language):
    assert parse(text, language).problem == times.NOT_UNDERSTOOD


@pytest.mark.parametrize("text, language", [
    ("tomorrow 3pm 4pm", "en"), ("tomorrow at 3 at 4", "en"), ("mañana a las 3 a las 4", "es"),
    ("demain 15h 16h", "fr"), ("завтра в 15:00 в 16:00", "ru"), ("demen 3è 4è", "ht"),
    ("明天下午3点 4点", "zh"), ("내일 3시 4시", "ko"),
])
def test_two_different_times_in_one_answer_are_asked_again_never_guessed(text, language):
    assert parse(text, language).problem == times.NOT_UNDERSTOOD


def test_the_same_time_said_twice_is_one_time():
    assert wall("tomorrow 3pm 3pm", "en") == "2026-12-02T15:00"
    assert wall("demen 3è 3è", "ht") == "2026-12-02T15:00"


def test_a_part_of_the_day_is_marked_so_it_gets_confirmed():
    assert parse("tomorrow morning", "en").part_of_day == times.MORNING
    assert parse("mañana por la tarde", "es").part_of_day == times.AFTERNOON
    assert parse("tomorrow 3pm", "en").part_of_day is None


def test_every_registered_language_maps_to_a_language_the_parser_knows():
    for lang in languages.REGISTRY.values():
        assert times.dateparser_code(lang.code) == (lang.dateparser_code or "en")
        assert times.dateparser_code(times.dateparser_code(lang.code)) != "en" or lang.code == "en" \
            or lang.dateparser_code is None


def test_an_unknown_language_reads_times_as_english():
    assert times.dateparser_code("xx") == "en"
    assert wall("tomorrow 3pm", "xx") == "2026-12-02T15:00"


# -- daylight saving -------------------------------------------------------------------------

def test_a_ride_booked_before_the_autumn_change_keeps_its_wall_clock_hour():
    friday = datetime(2026, 10, 30, 16, 0, tzinfo=timezone.utc)  # 12:00 EDT
    when = parse("next Monday 9am", "en", now=friday)
    assert when.wall == "2026-11-02T09:00"
    assert when.at == datetime(2026, 11, 2, 14, 0, tzinfo=timezone.utc)  # 9:00 EST


def test_a_ride_booked_before_the_spring_change_keeps_its_wall_clock_hour():
    friday = datetime(2026, 3, 6, 17, 0, tzinfo=timezone.utc)  # 12:00 EST
    when = parse("next Monday 9am", "en", now=friday)
    assert when.wall == "2026-03-09T09:00"
    assert when.at == datetime(2026, 3, 9, 13, 0, tzinfo=timezone.utc)  # 9:00 EDT


def test_in_two_hours_across_the_change_counts_real_hours():
    # 00:30 EDT on the night the clocks go back; two hours later the wall shows 01:30 EST.
    night = datetime(2026, 11, 1, 4, 30, tzinfo=timezone.utc)
    when = parse("in 2 hours", "en", now=night)
    assert when.at == night + timedelta(hours=2)
    assert when.wall == "2026-11-01T01:30"


def test_wall_time_round_trips_through_utc():
    assert times.to_utc("2026-11-02T09:00", ZONE) == datetime(2026, 11, 2, 14, 0, tzinfo=timezone.utc)
    assert times.to_utc("2026-07-02T09:00", ZONE) == datetime(2026, 7, 2, 13, 0, tzinfo=timezone.utc)
    local = times.local_time("2026-11-02T09:00", ZONE)
    assert (local.hour, local.utcoffset()) == (9, timedelta(hours=-5))
    assert times.wall_time(datetime(2026, 11, 2, 14, 0, tzinfo=timezone.utc), ZONE) == "2026-11-02T09:00"


def test_times_are_read_in_the_hotlines_zone():
    # 10:00 in New York is 07:00 in Los Angeles: "today at 9am" is still to come there.
    assert times.parse_when("today 9am", "en", NOW, "America/Los_Angeles", HORIZON).at == \
        datetime(2026, 12, 1, 17, 0, tzinfo=timezone.utc)


# -- formatting ------------------------------------------------------------------------------

THURSDAY = datetime(2026, 12, 3, 20, 0, tzinfo=timezone.utc)  # 15:00 in New York


@pytest.mark.parametrize("locale, style, expected", [
    ("en_US", times.LONG, "Thursday, December 3, 3:00 PM"),
    ("en_US", times.SHORT, "Dec 3, 3:00 PM"),
    ("en_US", times.DAY, "Thursday, December 3"),
    ("en_US", times.TIME, "3:00 PM"),
    ("es_US", times.LONG, "jueves, 3 de diciembre, 3:00 p.m."),
    ("es", times.LONG, "jueves, 3 de diciembre, 15:00"),
    ("es_US", times.SHORT, "3 dic, 3:00 p.m."),
    ("zh_Hans_CN", times.LONG, "12月3日星期四 15:00"),
    ("zh_Hans_CN", times.SHORT, "12月3日 15:00"),
    ("ko_KR", times.LONG, "12월 3일 목요일 오후 3:00"),
    ("ko_KR", times.SHORT, "12월 3일 오후 3:00"),
    ("ko_KR", times.TIME, "오후 3:00"),
    ("fr_FR", times.LONG, "jeudi 3 décembre, 15:00"),
    ("fr_FR", times.SHORT, "3 déc., 15:00"),
    ("ar", times.LONG, "الخميس، 3 ديسمبر، 3:00 م"),
    ("ar", times.SHORT, "3 ديسمبر، 3:00 م"),
    ("ru_RU", times.LONG, "четверг, 3 декабря, 15:00"),
    ("ru_RU", times.SHORT, "3 дек., 15:00"),
    ("ht", times.LONG, "jedi 3 desanm a 3:00 PM"),  # the library has no Kreyòl words: ours
    ("ht", times.SHORT, "3 desanm a 3:00 PM"),
    ("ht", times.DAY, "jedi 3 desanm"),
    ("ht", times.TIME, "3:00 PM"),
    ("vi_VN", times.LONG, "15:00 Thứ Năm, 3 tháng 12"),
    ("vi_VN", times.SHORT, "15:00 3 thg 12"),
    ("fil_PH", times.LONG, "Huwebes, Disyembre 3, 3:00 PM"),
    ("fil_PH", times.SHORT, "Dis 3, 3:00 PM"),
])
def test_times_are_read_back_formatted_for_the_locale(locale, style, expected):
    assert times.format_when(THURSDAY, locale, ZONE, style) == expected


def test_formatted_times_carry_no_space_that_would_cost_a_unicode_sms():
    for lang in languages.REGISTRY.values():
        text = times.format_when(THURSDAY, lang.babel_locale, ZONE)
        assert "\u202f" not in text and "\u00a0" not in text


def test_a_registered_language_formats_with_its_locale():
    assert times.format_for(THURSDAY, "es", ZONE) == "jueves, 3 de diciembre, 3:00 p.m."
    assert times.format_for(THURSDAY, "en", ZONE, times.SHORT) == "Dec 3, 3:00 PM"


def test_french_dates_in_august_keep_an_sms_in_gsm7():
    from hotline.sms import is_gsm7

    august = datetime(2026, 8, 6, 19, 0, tzinfo=timezone.utc)
    assert times.format_for(august, "fr", ZONE) == "jeudi 6 aout, 15:00"
    for style in (times.LONG, times.SHORT, times.DAY):
        assert is_gsm7(times.format_for(august, "fr", ZONE, style))


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=40), language=st.sampled_from(["fr", "ar"]))
def test_any_text_in_french_or_arabic_gets_a_time_or_a_problem_never_an_error(text, language):
    when = parse(text, language)
    assert when.ok == (when.at is not None and when.problem is None)
    if when.ok:
        assert NOW < when.at and when.local.tzinfo is not None


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.sampled_from([
    "demain", "aujourd'hui", "après-demain", "mardi", "vendredi", "prochain", "à", "le", "5", "15h",
    "3h", "10h30", "matin", "soir", "après-midi", "midi", "et", "demie", "dans", "2", "heures", "svp",
    "غدا", "بكرة", "بعد", "الخميس", "القادم", "الساعة", "3", "ونص", "مساء", "صباحا", "يوم", "من فضلك",
]), max_size=6), language=st.sampled_from(["fr", "ar"]))
def test_any_mix_of_french_or_arabic_time_words_gets_a_time_or_a_problem_never_an_error(words, language):
    parse(" ".join(words), language)


def test_an_hour_skipped_in_spring_reads_back_as_the_hour_the_clock_shows():
    saturday = datetime(2026, 3, 7, 17, 0, tzinfo=timezone.utc)
    when = parse("tomorrow 2:30am", "en", now=saturday)
    assert when.at == datetime(2026, 3, 8, 7, 30, tzinfo=timezone.utc)
    assert when.wall == "2026-03-08T03:30"


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=40), language=st.sampled_from(["en", "es", "zh", "ko", "fr", "ar", "ru", "ht", "vi", "tl"]))
def test_any_text_gets_a_time_or_a_problem_never_an_error(text, language):
    when = parse(text, language)
    assert when.ok == (when.at is not None and when.problem is None)
    if when.ok:
        assert NOW < when.at and when.local.tzinfo is not None


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.sampled_from([
    "tomorrow", "today", "next", "monday", "friday", "at", "3", "10", "3pm", "10:30", "morning",
    "evening", "dec", "5", "the", "5th", "in", "2", "hours", "noon", "please",
]), max_size=6))
def test_any_mix_of_time_words_gets_a_time_or_a_problem_never_an_error(words):
    parse(" ".join(words), "en")


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.sampled_from([
    "내일", "오늘", "모레", "낼", "오후", "오전", "아침", "저녁", "밤", "점심", "3시", "세시", "10시", "반",
    "30분", "12월", "5일", "12/5", "다음주", "이번 주", "화요일", "금", "에", "2시간", "후", "99시", "0시",
    "明天", "下午", "三点", "中午", "禮拜五", "12/5", "两个小时后",
]), max_size=6), joined=st.booleans())
def test_any_mix_of_korean_and_chinese_time_words_gets_a_time_or_a_problem(words, joined):
    text = ("" if joined else " ").join(words)
    for language in ("ko", "zh"):
        when = parse(text, language)
        assert when.ok == (when.at is not None and when.problem is None)


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.sampled_from([
    "demen", "jodi a", "apredemen", "madi", "pwochen", "a", "3è", "10è30", "3è edmi", "twazè", "midi",
    "nan maten", "apremidi", "aswè a", "5", "desanm", "me", "jou", "nan", "2", "èdtan", "yè", "15h",
]), max_size=6))
def test_any_mix_of_kreyol_time_words_gets_a_time_or_a_problem_never_an_error(words):
    parse(" ".join(words), "ht")


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.sampled_from([
    "завтра", "сегодня", "в", "следующий", "вторник", "на следующей неделе", "3", "15.30", "5.12",
    "часа", "дня", "утра", "вечером", "в половине четвёртого", "полдень", "5-го", "числа", "через",
    "декабря", "к",
]), max_size=6))
def test_any_mix_of_russian_time_words_gets_a_time_or_a_problem_never_an_error(words):
    parse(" ".join(words), "ru")


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.sampled_from([
    "ngày", "mai", "mốt", "hôm", "nay", "qua", "thứ", "ba", "năm", "tư", "chủ", "nhật", "t7", "tuần",
    "sau", "tới", "này", "sáng", "trưa", "chiều", "tối", "toi", "đêm", "giờ", "g", "h", "rưỡi", "kém",
    "tiếng", "nữa", "mùng", "tháng", "3", "12", "30", "99", ":", "/",
    "bukas", "makalawa", "ngayong", "mamayang", "kahapon", "sa", "ng", "susunod", "na", "linggo",
    "huwebes", "alas", "alas-3", "ika-5", "tres", "y", "medya", "menos", "kinse", "umaga", "hapon",
    "gabi", "tanghali", "loob", "oras", "disyembre", "pm",
]), max_size=7), language=st.sampled_from(["vi", "tl"]))
def test_any_mix_of_vietnamese_or_tagalog_time_words_gets_a_time_or_a_problem(words, language):
    when = parse(" ".join(words), language)
    assert when.ok == (when.at is not None and when.problem is None)
