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
])
def test_chinese_times_people_type_without_a_catalog(text, expected):
    # No Chinese catalog ships yet; the parser takes the language code all the same.
    assert wall(text, "zh") == expected


@pytest.mark.parametrize("text, language, expected", [
    ("tomorrow at 3pm please", "en", "2026-12-02T15:00"),
    ("I need to go tomorrow at 3pm", "en", "2026-12-02T15:00"),
    ("mañana a las 3 por favor", "es", "2026-12-02T15:00"),
    ("el jueves a las 10 gracias", "es", "2026-12-03T10:00"),
    ("明天下午三点，谢谢", "zh", "2026-12-02T15:00"),
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
])
def test_a_time_already_past_is_refused_as_past(text, language):
    assert parse(text, language).problem == times.PAST


@pytest.mark.parametrize("text, language, clock", [
    ("3", "en", time(15)), ("3pm", "en", time(15)), ("at 9:30", "en", time(9, 30)),
    ("a las 3", "es", time(15)), ("15:00", "es", time(15)),
    ("三点", "zh", time(15)), ("下午3点", "zh", time(15)),
])
def test_a_time_without_a_day_asks_for_the_day_and_remembers_the_time(text, language, clock):
    when = parse(text, language)
    assert (when.problem, when.missing, when.clock) == (times.AMBIGUOUS, "day", clock)


@pytest.mark.parametrize("text, language, day", [
    ("tomorrow", "en", date(2026, 12, 2)), ("Thursday", "en", date(2026, 12, 3)),
    ("the 20th", "en", date(2026, 12, 20)),
    ("mañana", "es", date(2026, 12, 2)), ("el jueves", "es", date(2026, 12, 3)),
    ("明天", "zh", date(2026, 12, 2)), ("星期四", "zh", date(2026, 12, 3)),
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
    ("2027年3月3日上午10点", "zh"),
])
def test_a_time_beyond_the_horizon_is_too_far(text, language):
    assert parse(text, language).problem == times.TOO_FAR


def test_the_horizon_counts_whole_days():
    # 30 January is the 60th day from 1 December: any hour of it may be booked.
    assert parse("jan 30 11pm", "en").ok
    assert parse("jan 31 7am", "en").problem == times.TOO_FAR


@pytest.mark.parametrize("text, language", [
    ("asdf", "en"), ("", "en"), ("I need to see the doctor", "en"), ("no sé", "es"), ("你好", "zh"),
])
def test_words_with_no_time_in_them_are_not_understood(text, language):
    assert parse(text, language).problem == times.NOT_UNDERSTOOD


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


def test_an_hour_skipped_in_spring_reads_back_as_the_hour_the_clock_shows():
    saturday = datetime(2026, 3, 7, 17, 0, tzinfo=timezone.utc)
    when = parse("tomorrow 2:30am", "en", now=saturday)
    assert when.at == datetime(2026, 3, 8, 7, 30, tzinfo=timezone.utc)
    assert when.wall == "2026-03-08T03:30"


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=40), language=st.sampled_from(["en", "es", "zh", "vi", "tl"]))
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
