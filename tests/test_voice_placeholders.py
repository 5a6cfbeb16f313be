"""Synthesized placeholder recordings shipped for Kreyòl: the menu line and the ten sentences a call
says most, small WAVs Twilio plays, listed as placeholders, current with the catalog, played on calls."""
from __future__ import annotations

import wave

from click.testing import CliRunner

from hotline.cli import main
from hotline.config import PROJECT_ROOT
from hotline.voice import audio, placeholders

from .voice_caller import Call

SHIPPED = PROJECT_ROOT / "locales"


def test_the_kreyol_placeholders_are_the_menu_line_and_ten_common_sentences_as_the_catalog_words_them(settings):
    listed = audio.synthesized(SHIPPED, "ht")
    common = placeholders.common_sentences(settings, "ht")
    assert len(common) == 11 and common[0] == "Pou Kreyòl, peze 5."
    # A translation that changed would leave its placeholder matching nothing: run `hotline voice placeholders ht`.
    assert listed == {f"{audio.audio_key(sentence)}.wav": sentence for sentence in common}


def test_each_placeholder_is_a_small_8_khz_mono_wav(settings):
    for name in audio.synthesized(SHIPPED, "ht"):
        path = audio.audio_dir(SHIPPED, "ht") / name
        with wave.open(str(path)) as sound:
            assert (sound.getframerate(), sound.getnchannels(), sound.getsampwidth()) == (8000, 1, 2)
            assert 0.5 < sound.getnframes() / 8000 < 15
        assert path.stat().st_size < 200_000


def test_a_kreyol_caller_hears_the_placeholders_where_the_fallback_voice_spoke(client):
    c = Call(client, "+15551234567").dial()
    menu_line = [h for h in c.latest if h.played]
    assert [h.text.rsplit("/", 1)[1] for h in menu_line] == [f"{audio.audio_key('Pou Kreyòl, peze 5.')}.wav"]
    c.press("5")
    assert c.latest[0].played and c.latest[0].text.endswith(
        audio.audio_key("Byenvini nan liy youn ede lòt la. Nenpòt lè, peze 0 pou kite yon mesaj pou yon kowòdonatè.")
        + ".wav")
    served = client.get(menu_line[0].text[len("https://hotline.example.org"):])
    assert served.status_code == 200 and served.data[:4] == b"RIFF"


def test_placeholders_are_not_made_without_espeak_ng(monkeypatch):
    monkeypatch.setattr(placeholders.shutil, "which", lambda _name: None)
    result = CliRunner().invoke(main, ["voice", "placeholders", "ht"])
    assert result.exit_code != 0 and "espeak-ng" in result.output


def test_every_placeholder_is_a_sentence_calls_say(app, settings):
    from hotline.voice.sentences import sentences

    said = {f"{key}.wav" for key, _ in sentences(settings, "ht")}
    assert set(audio.synthesized(SHIPPED, "ht")) <= said
