"""Words said on a call: times the way people say them, numbers digit by digit, spoken digits understood."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from hotline.config import PROJECT_ROOT
from hotline.i18n import Translator
from hotline.i18n.spoken import say_times, speakable, words_to_digits

EN = Translator("en", PROJECT_ROOT / "locales")
ES = Translator("es", PROJECT_ROOT / "locales")


@pytest.mark.parametrize("heard, said", [
    ("at 3 p.m.", "at 3 in the afternoon"),
    ("at 3PM", "at 3 in the afternoon"),
    ("9:05 a.m.", "9:05 in the morning"),
    ("12 pm", "noon"),
    ("12 a.m.", "midnight"),
    ("0:00", "midnight"),
    ("19:30", "7:30 in the evening"),
    ("2:15 am", "2:15 at night"),
    ("15h30", "3:30 in the afternoon"),
    ("for 3 people", "for 3 people"),
    ("3 amigos", "3 amigos"),
    ("room 25:00", "room 25:00"),
    ("ZIP 02139", "ZIP 02139"),
])
def test_times_heard_are_read_back_the_way_people_say_them(heard, said):
    assert say_times(heard, EN) == said


@pytest.mark.parametrize("heard, said", [
    ("a las 3 p. m.", "a las 3 de la tarde"),
    ("a las 19:00", "a las 7 de la tarde"),
    ("a las 21:30", "a las 9:30 de la noche"),
    ("a las 2 a. m.", "a las 2 de la madrugada"),
    ("a las 10 am", "a las 10 de la mañana"),
])
def test_times_are_read_back_in_spanish_the_way_people_say_them(heard, said):
    assert say_times(heard, ES) == said


@given(st.text(max_size=80))
def test_any_heard_words_survive_the_time_reading(text):
    said = say_times(text, EN)
    assert isinstance(said, str)
    if not any(ch.isdigit() for ch in text):
        assert said == text


def test_long_numbers_are_said_digit_by_digit_and_lines_become_sentences():
    assert speakable("Your request number is 482913.\nZIP 02139") == "Your request number is 4 8 2 9 1 3. ZIP 0 2 1 3 9"
    assert speakable("Please check:\nFood: rice\nNear: Elm St") == "Please check: Food: rice. Near: Elm St"
    assert speakable("ride for 3 at 10:30") == "ride for 3 at 10:30"


@pytest.mark.parametrize("translator, said, digits", [
    (EN, "Two.", "2"), (EN, "one and three", "1 and 3"), (ES, "Dos", "2"), (ES, "una", "1"),
    (ES, "uno y tres", "1 y 3"), (ES, "two", "2"),
])
def test_spoken_digits_are_understood_like_keys(translator, said, digits):
    assert words_to_digits(said, translator) == digits
