"""The recording line: approved recorders call in, hear which sentence to read (texted to them),
record it, listen, keep, redo or skip; kept takes wait for a coordinator, their sound fetched from Twilio."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from hotline import create_app
from hotline.clock import now
from hotline.models import OutboxMessage, SentenceRecording
from hotline.voice import sentence_recordings
from hotline.voice.recording_line import listed

from .conftest import PUBLIC_URL, sign
from .voice_caller import Call
from .voice_locales import RECORDED, locales_with_haitian

RECORDER = "+16175550142"
# The first bytes of an MP3 frame (MPEG-1 layer III, 128 kbit/s, 44.1 kHz), then its body.
MP3 = b"\xff\xfb\x90\x64" + bytes(600)


@pytest.fixture
def line(twilio_settings, fake_twilio, tmp_path):
    """An app whose catalogs include Kreyòl, reaching the fake Twilio; yields (client, db, app)."""
    app = create_app(replace(twilio_settings, locales_dir=str(locales_with_haitian(tmp_path))))
    app.config["TESTING"] = True
    yield app.test_client(), app.extensions["hotline"].db, app
    app.extensions["hotline"].close()


def approve(db, phone: str = RECORDER, language: str = "ht") -> int:
    with db.session() as session:
        return sentence_recordings.approve_recorder(session, phone, language, "Marie", "coordinator@example.org",
                                                    now()).id


def texts_to(db, number: str) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(OutboxMessage.body).where(OutboxMessage.to == number)
                                    .order_by(OutboxMessage.id)))


def to_record(app) -> list[tuple[int, str, str]]:
    """(place, key, sentence) of each sentence the line asks for: those without a recording yet."""
    every = listed(app.extensions["hotline"].settings, "ht")
    return [(i, key, sentence) for i, (key, sentence) in enumerate(every) if sentence not in RECORDED]


def takes(db) -> list[SentenceRecording]:
    with db.session() as session:
        rows = list(session.scalars(select(SentenceRecording).order_by(SentenceRecording.id)))
        session.expunge_all()
        return rows


def test_an_approved_recorder_records_a_sentence_read_from_a_text_and_keeps_it(line, fake_twilio):
    client, db, app = line
    approve(db)
    c = Call(client, RECORDER).dial()
    assert "You record sentences for the hotline in Kreyòl. Press 1 to record now, or 2 for the hotline." in c.text
    c.press("1")
    (place, first_key, first), (second, _, _) = to_record(app)[:2]
    assert texts_to(db, RECORDER) == [f"({place + 1}) {first}"]
    assert f"Sentence {place + 1}: we texted it to you." in c.text and "After the tone, read it aloud" in c.text
    assert c.waiting.tag == "Record" and c.waiting.attrib["maxLength"] == "30"
    c.record(duration=3)
    assert c.text.startswith("Here is what you recorded.") and c.played == [c.recording["RecordingUrl"]]
    assert "Press 1 to keep it, 2 to record it again, 3 to skip this sentence" in c.text
    fake_twilio.recording_media[c.recording["RecordingSid"]] = MP3
    c.press("1")
    assert c.text.startswith("Kept. A coordinator will listen to it.") and f"Sentence {second + 1}:" in c.text
    [kept] = takes(db)
    assert (kept.status, kept.key, kept.sentence, kept.source) == ("waiting", first_key, first, "call")
    assert kept.audio is None
    app.extensions["hotline"].queue.drain(only={"fetch_sentence_recording"})
    [kept] = takes(db)
    assert kept.audio == MP3 and kept.audio_type == "mp3" and kept.size == len(MP3)


def test_a_recorder_can_record_again_or_skip_and_nothing_unkept_is_left(line):
    client, db, app = line
    approve(db)
    (first, _, _), (second, _, _) = to_record(app)[:2]
    c = Call(client, RECORDER).dial().press("1").record()
    c.press("2")  # again
    assert "Sentence" not in c.text and c.waiting.tag == "Record" and takes(db) == []
    c.record().press("3")  # skip
    assert f"Sentence {second + 1}: we texted it to you." in c.text and takes(db) == []
    c.record().press("*")
    assert c.ended and "What you kept waits for a coordinator" in c.text and takes(db) == []


def test_a_sentence_with_a_kept_take_is_not_asked_for_again(line):
    client, db, app = line
    approve(db)
    Call(client, RECORDER).dial().press("1").record().press("1").record().press("*")
    c = Call(client, RECORDER).dial().press("1")
    assert f"Sentence {to_record(app)[1][0] + 1}:" in c.text


def test_a_recorder_who_presses_2_or_waits_uses_the_hotline_as_usual(line):
    client, db, _ = line
    approve(db)
    assert "For English, press 1." in Call(client, RECORDER).dial().press("2").text
    assert "For English, press 1." in Call(client, RECORDER).dial().silence().text


def test_a_caller_who_is_not_a_recorder_never_reaches_the_recording_line(line):
    client, db, app = line
    approve(db, language="ht")
    c = Call(client, "+16175550999").dial()
    assert "record" not in c.text.lower() and "For English, press 1." in c.text
    # Posting straight to the line's steps, as if offered it, records nothing.
    key = listed(app.extensions["hotline"].settings, "ht")[0][0]
    url = f"{PUBLIC_URL}/twilio/voice/take?t=1&l=ht&i=0&k={key}"
    params = {"CallSid": "CA" + "1" * 32, "From": "+16175550999", "To": "+15550001111",
              "RecordingUrl": "https://api.twilio.com/x/RE1", "RecordingSid": "RE" + "1" * 32,
              "RecordingDuration": "4"}
    answer = client.post(url[len(PUBLIC_URL):], data=params, headers={"X-Twilio-Signature": sign(url, params)})
    assert answer.status_code == 200 and b"<Hangup" in answer.data and takes(db) == []


@pytest.mark.parametrize("query", ["l=xx&i=0", "l=ht&i=-1", "l=ht&i=0&k=NOTAKEY", "l=ht&i=0&r=abc"])
def test_the_recording_line_refuses_addresses_it_never_gives(line, query):
    client, db, _ = line
    url = f"{PUBLIC_URL}/twilio/voice/take?t=1&{query}"
    params = {"CallSid": "CA" + "2" * 32, "From": RECORDER, "To": "+15550001111"}
    answer = client.post(url[len(PUBLIC_URL):], data=params, headers={"X-Twilio-Signature": sign(url, params)})
    assert answer.status_code == 400 and takes(db) == []


def test_the_recording_line_needs_twilio_s_signature(line):
    client, db, _ = line
    approve(db)
    params = {"CallSid": "CA" + "3" * 32, "From": RECORDER, "To": "+15550001111",
              "RecordingUrl": "https://api.twilio.com/x/RE3", "RecordingSid": "RE" + "3" * 32}
    forged = client.post("/twilio/voice/take?t=1&l=ht&i=0", data=params, headers={"X-Twilio-Signature": "forged"})
    unsigned = client.post("/twilio/voice/review?t=1&l=ht&i=0&r=1", data=params)
    assert forged.status_code == 403 and unsigned.status_code == 403 and takes(db) == []


def test_a_take_twilio_posts_twice_is_kept_once(line):
    client, db, _ = line
    approve(db)
    c = Call(client, RECORDER).dial().press("1").record()
    assert c.retry().status_code == 200
    assert len(takes(db)) == 1


def deleted_at_twilio(db) -> list[str]:
    """The recording sids queued for deletion at Twilio."""
    with db.session() as session:
        return list(session.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == "recording_delete")
                                    .order_by(OutboxMessage.id)))


def test_takes_recorded_again_skipped_or_stopped_are_deleted_at_twilio_too(line):
    client, db, _ = line
    approve(db)
    c = Call(client, RECORDER).dial().press("1").record()
    again = c.recording["RecordingSid"]
    c.press("2").record()
    skipped = c.recording["RecordingSid"]
    c.press("3").record()
    stopped = c.recording["RecordingSid"]
    c.press("*")
    assert deleted_at_twilio(db) == [again, skipped, stopped] and takes(db) == []


def test_a_kept_take_is_deleted_at_twilio_once_its_sound_is_in_the_database(line, fake_twilio):
    client, db, app = line
    approve(db)
    c = Call(client, RECORDER).dial().press("1").record()
    sid = c.recording["RecordingSid"]
    fake_twilio.recording_media[sid] = MP3
    c.press("1")
    assert deleted_at_twilio(db) == []  # not before it is fetched
    app.extensions["hotline"].queue.drain(only={"fetch_sentence_recording"})
    assert deleted_at_twilio(db) == [sid] and takes(db)[0].audio == MP3


def test_a_rejected_take_is_deleted_at_twilio(line, fake_twilio):
    client, db, app = line
    approve(db)
    c = Call(client, RECORDER).dial().press("1").record()
    sid = c.recording["RecordingSid"]
    c.press("1")  # kept, not fetched yet
    with db.session() as session:
        sentence_recordings.reject(session, session.scalars(select(SentenceRecording)).one(), "c@example.org", now())
    assert deleted_at_twilio(db) == [sid]


def test_a_forgotten_recorder_s_takes_all_go_approved_ones_too_here_and_at_twilio(line, fake_twilio):
    from hotline.models import Contact, Recorder
    from hotline.privacy import erase

    client, db, app = line
    approve(db)
    c = Call(client, RECORDER).dial().press("1").record()
    sids = [c.recording["RecordingSid"]]
    fake_twilio.recording_media[sids[0]] = MP3
    c.press("1").record()
    sids.append(c.recording["RecordingSid"])
    c.press("1").record()  # two kept, one left as a draft by hanging up
    sids.append(c.recording["RecordingSid"])
    app.extensions["hotline"].queue.drain(only={"fetch_sentence_recording"})
    first = takes(db)[0]
    with db.session() as session:
        sentence_recordings.approve(session, session.get(SentenceRecording, first.id), "c@example.org", now())
    served = f"/audio/ht/{first.key}-{first.id}.mp3"
    assert client.get(served).status_code == 200
    with db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == RECORDER)).one()
        erase.forget(session, app.extensions["hotline"].settings, contact, now(), actor="test", reason="asked")
    assert takes(db) == [] and client.get(served).status_code == 404
    assert sorted(deleted_at_twilio(db)) == sorted(sids)  # each once, the fetched one included
    with db.session() as session:
        assert session.scalar(select(func.count(Recorder.id))) == 0
    # Callers hear what they heard before the recorder's voice.
    assert not any(first.key in url for url in Call(client, "+16175550999").dial().played)


def test_a_take_left_unkept_by_a_recorder_who_hung_up_is_purged_after_a_day_at_twilio_too(line):
    from datetime import timedelta

    from hotline.privacy import retention

    client, db, app = line
    approve(db)
    c = Call(client, RECORDER).dial().press("1").record()  # hangs up while hearing it back
    sid = c.recording["RecordingSid"]
    settings = app.extensions["hotline"].settings
    with db.session() as session:
        assert retention.purge(session, settings, now())["unkept_takes"] == 0  # the call may still go on
    with db.session() as session:
        counts = retention.purge(session, settings, now() + timedelta(hours=25))
    assert counts["unkept_takes"] == 1 and takes(db) == [] and sid in deleted_at_twilio(db)


def test_a_recorder_of_two_languages_is_offered_the_one_with_most_left_to_record(line):
    client, db, app = line
    approve(db, language="ht")
    Call(client, RECORDER).dial().press("1").record().press("1").record().press("*")  # one Kreyòl take kept
    approve(db, language="fr")  # approved second, with more left to record
    settings = app.extensions["hotline"].settings
    assert len(listed(settings, "fr")) > len(to_record(app)) - 1
    c = Call(client, RECORDER).dial()
    assert c.waiting.attrib["action"].find("l=fr") != -1 and "Français" in c.text
    c.press("1")
    assert texts_to(db, RECORDER)[-1] == f"(1) {listed(settings, 'fr')[0][1]}"


def test_a_take_twilio_no_longer_has_is_not_fetched_again_and_says_why(line):
    client, db, app = line
    approve(db)
    Call(client, RECORDER).dial().press("1").record().press("1")  # the fake holds no sound for it: 404
    assert app.extensions["hotline"].queue.drain(only={"fetch_sentence_recording"}) == 1
    [kept] = takes(db)
    assert kept.audio is None and "not at Twilio" in kept.fetch_error
