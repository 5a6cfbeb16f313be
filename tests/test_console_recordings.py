"""The console's recordings page: every sentence of a language without a voice and what callers hear
for it; uploads (WAV or MP3 by content, within a size), approval by coordinators only, audited;
approved recordings served and played on calls, rejected ones not; recorders approved and removed."""
from __future__ import annotations

import html
import io
import shutil
from dataclasses import replace

import pytest
from sqlalchemy import select

from hotline import create_app
from hotline.models import AuditEntry, Recorder, SentenceRecording
from hotline.voice import sentence_recordings
from hotline.voice.audio import audio_key
from hotline.voice.recording_line import listed

from .console import csrf_token, signed_in
from .console import text as page_text
from .voice_caller import Call
from .voice_locales import RECORDED, locales_with_haitian

MP3 = b"\xff\xfb\x90\x64" + bytes(600)
WAV = b"RIFF" + (36 + 800).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little") + bytes(16) \
    + b"data" + (800).to_bytes(4, "little") + bytes(800)


def text(response) -> str:
    return html.unescape(page_text(response))


@pytest.fixture
def app(settings, tmp_path):
    """The console of a hotline whose catalogs include Kreyòl (three sentences recorded as files)."""
    app = create_app(replace(settings, locales_dir=str(locales_with_haitian(tmp_path))))
    app.config["TESTING"] = True
    yield app
    app.extensions["hotline"].close()


@pytest.fixture
def coordinator(app, db):
    return signed_in(app, db, "coordinator")


@pytest.fixture
def viewer(app, db):
    return signed_in(app, db, "viewer")


def a_sentence(app) -> tuple[str, str]:
    """A sentence with no recording yet."""
    return next((k, s) for k, s in listed(app.extensions["hotline"].settings, "ht") if s not in RECORDED)


def upload(client, key: str, data: bytes, name: str = "take.mp3"):
    token = csrf_token(client, "/recordings/ht")
    return client.post(f"/recordings/ht/{key}/upload", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def post(client, path: str, data: dict | None = None):
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, "/recordings/ht")})


def rows(db) -> list[SentenceRecording]:
    with db.session() as session:
        found = list(session.scalars(select(SentenceRecording).order_by(SentenceRecording.id)))
        session.expunge_all()
        return found


def audits(db, action: str) -> list[AuditEntry]:
    with db.session() as session:
        found = list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))
        session.expunge_all()
        return found


def test_the_page_lists_every_sentence_with_what_callers_hear(app, coordinator):
    page = coordinator.get("/recordings/ht")
    assert page.status_code == 200
    words = text(page)
    assert "Recordings in Kreyòl" in words and "Ki èd ou bezwen?" in words
    assert "recorded file" in words and "no recording: said in the fallback voice" in words
    assert coordinator.get("/recordings").headers["Location"].endswith("/recordings/ht")
    # English has a voice: it has no recordings page.
    assert coordinator.get("/recordings/en").status_code == 404


def test_the_counts_say_one_recording_or_several_or_none_in_the_plural(app, db, coordinator):
    words = text(coordinator.get("/recordings/ht"))
    assert "0 approved recordings" in words and "0 approved recording " not in words + " "
    key, _ = a_sentence(app)
    upload(coordinator, key, MP3)
    [row] = rows(db)
    post(coordinator, f"/recordings/take/{row.id}/approve")
    words = text(coordinator.get("/recordings/ht"))
    assert "1 approved recording" in words and "1 approved recordings" not in words
    assert "recorded files" in words  # the Kreyòl files the test catalogs ship


def test_a_synthesized_placeholder_is_shown_as_one_to_replace(app, coordinator):
    settings = app.extensions["hotline"].settings
    folder = settings.locales_dir + "/ht/audio"
    sentence = "Ki èd ou bezwen?"
    shutil.move(f"{folder}/{audio_key(sentence)}.mp3", f"{folder}/{audio_key(sentence)}.wav")
    with open(f"{folder}/synthesized.tsv", "w", encoding="utf-8") as manifest:
        manifest.write(f"# made by espeak-ng\n{audio_key(sentence)}.wav\t{sentence}\n")
    words = text(coordinator.get("/recordings/ht"))
    assert "synthesized: replace with a human recording" in words
    assert text(coordinator.get("/recordings/ht?show=todo")).count("Ki èd ou bezwen?") == 1


@pytest.mark.parametrize("name", ["take.mp3", "TAKE.WAV", "noextension"])
def test_a_coordinator_uploads_a_recording_that_waits_for_approval(app, db, coordinator, name):
    key, sentence = a_sentence(app)
    data = WAV if "WAV" in name else MP3
    answer = upload(coordinator, key, data, name)
    assert answer.status_code == 302
    [row] = rows(db)
    assert (row.status, row.key, row.sentence, row.source) == ("waiting", key, sentence, "upload")
    assert row.audio == data and row.audio_type == ("wav" if data is WAV else "mp3")
    [entry] = audits(db, "sentence_recording_uploaded")
    assert entry.actor == "coordinator@example.org" and entry.after["key"] == key
    page = coordinator.get("/recordings/ht?show=waiting")
    assert "waiting for approval" in text(page) and f"/recordings/take/{row.id}.{row.audio_type}" in page.text
    assert coordinator.get(f"/recordings/take/{row.id}.{row.audio_type}").data == data


@pytest.mark.parametrize("data, name", [
    (b"this is not sound at all" * 40, "take.mp3"),  # a text file named .mp3
    (b"%PDF-1.4" + bytes(600), "take.wav"),
    (b"RIFF" + bytes(4) + b"AVI LIST" + bytes(600), "take.wav"),  # a video, not WAVE
    (b"", "take.mp3"),
    (MP3[:100], "take.mp3"),  # too short to hold a sound
])
def test_an_upload_that_is_no_wav_or_mp3_is_refused_whatever_its_name(app, db, coordinator, data, name):
    key, _ = a_sentence(app)
    answer = upload(coordinator, key, data, name)
    assert answer.status_code == 400
    assert "not a WAV or MP3 recording" in text(answer) or "Choose a WAV or MP3 file" in text(answer)
    assert rows(db) == []


def test_an_upload_too_large_is_refused(app, db, coordinator):
    key, _ = a_sentence(app)
    answer = upload(coordinator, key, MP3 + bytes(sentence_recordings.MAX_BYTES))
    assert answer.status_code == 413 and rows(db) == []


def sentence_item(page: str, key: str) -> str:
    """The HTML of one sentence's item on the Recordings page."""
    start = page.index(f'<li id="s-{key}"')
    return page[start:page.index("</li>", start)]


def test_a_file_far_over_2_mb_is_refused_on_the_recordings_page_next_to_its_sentence(app, db, coordinator):
    key, _ = a_sentence(app)
    answer = upload(coordinator, key, MP3 + bytes(sentence_recordings.MAX_BYTES + 200 * 1024))
    assert answer.status_code == 413 and rows(db) == []
    page = answer.get_data(as_text=True)
    assert "Recordings in Kreyòl" in page and 'href="/recordings/ht"' in page  # the page and its menu
    assert "The file is larger than 2 MB." in sentence_item(page, key)
    assert "Back to the needs" not in page
    assert f'action="/recordings/ht/{key}/upload#s-{key}"' in page  # the browser returns to the sentence


def test_a_confirmation_is_shown_next_to_the_sentence_the_page_returns_to(app, db, coordinator):
    key, _ = a_sentence(app)
    answer = upload(coordinator, key, MP3)
    assert answer.headers["Location"].endswith(f"#s-{key}")
    page = coordinator.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Uploaded. It waits for a coordinator to approve it." in sentence_item(page, key)
    assert page.count("Uploaded. It waits") == 1
    [row] = rows(db)
    answer = post(coordinator, f"/recordings/take/{row.id}/approve", {"key": key})
    page = coordinator.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Approved: callers hear this recording from now on." in sentence_item(page, key)


def test_an_upload_for_a_sentence_the_hotline_does_not_say_is_refused(app, db, coordinator):
    assert upload(coordinator, "0123456789abcdef", MP3).status_code == 404
    assert upload(coordinator, "not-a-key", MP3).status_code == 404
    token = csrf_token(coordinator, "/recordings/ht")
    key, _ = a_sentence(app)
    no_file = coordinator.post(f"/recordings/ht/{key}/upload", data={"csrf_token": token})
    assert no_file.status_code == 400 and rows(db) == []


def test_an_upload_without_the_form_s_token_is_refused(app, db, coordinator):
    key, _ = a_sentence(app)
    answer = coordinator.post(f"/recordings/ht/{key}/upload", data={"file": (io.BytesIO(MP3), "a.mp3")},
                              content_type="multipart/form-data")
    assert answer.status_code == 400 and rows(db) == []


def test_a_viewer_listens_but_can_neither_upload_nor_approve(app, db, coordinator, viewer):
    key, _ = a_sentence(app)
    upload(coordinator, key, MP3)
    [row] = rows(db)
    page = viewer.get("/recordings/ht")
    assert page.status_code == 200 and "Approve" not in text(page) and "Upload a recording" not in text(page)
    assert upload(viewer, key, MP3).status_code == 403
    assert post(viewer, f"/recordings/take/{row.id}/approve").status_code == 403
    assert post(viewer, f"/recordings/take/{row.id}/reject").status_code == 403
    assert [r.status for r in rows(db)] == ["waiting"]
    assert app.test_client().post(f"/recordings/take/{row.id}/approve").status_code in (302, 400)
    assert [r.status for r in rows(db)] == ["waiting"]


def test_an_approved_recording_is_served_and_played_to_kreyol_callers(app, db, client, coordinator):
    sentence = "Manje: peze 1."  # recorded as a file; a person's approved recording goes before it
    key = audio_key(sentence)
    upload(coordinator, key, MP3)
    [row] = rows(db)
    served = f"/audio/ht/{key}-{row.id}.mp3"
    assert client.get(served).status_code == 404  # not before it is approved
    assert post(coordinator, f"/recordings/take/{row.id}/approve").status_code == 302
    [entry] = audits(db, "sentence_recording_approved")
    assert entry.actor == "coordinator@example.org" and entry.after["status"] == "approved"
    answer = client.get(served)
    assert answer.status_code == 200 and answer.data == MP3 and answer.mimetype == "audio/mpeg"
    c = Call(client, "+15551234567").dial().press("3")
    assert f"https://hotline.example.org{served}" in c.played
    # Approving it twice is refused, and changes nothing.
    assert post(coordinator, f"/recordings/take/{row.id}/approve").status_code == 409


def test_a_newer_approved_recording_replaces_the_older(app, db, coordinator):
    key, _ = a_sentence(app)
    upload(coordinator, key, MP3)
    upload(coordinator, key, WAV, "b.wav")
    first, second = rows(db)
    post(coordinator, f"/recordings/take/{first.id}/approve")
    post(coordinator, f"/recordings/take/{second.id}/approve")
    assert [r.status for r in rows(db)] == ["replaced", "approved"]
    assert app.test_client().get(f"/audio/ht/{key}-{first.id}.mp3").status_code == 404
    assert app.test_client().get(f"/audio/ht/{key}-{second.id}.wav").status_code == 200


def test_two_approvals_of_one_sentence_at_once_leave_one_approved(app, db, coordinator):
    """Each coordinator's check sees nothing approved yet; the database still keeps one."""
    from sqlalchemy.exc import IntegrityError

    key, _ = a_sentence(app)
    upload(coordinator, key, MP3)
    upload(coordinator, key, WAV, "b.wav")
    first, second = rows(db)
    with db.session() as session:
        session.get(SentenceRecording, first.id).status = "approved"
    with pytest.raises(IntegrityError):
        with db.session() as session:
            session.get(SentenceRecording, second.id).status = "approved"
    assert [r.status for r in rows(db)] == ["approved", "waiting"]
    # Approving it the usual way replaces the one approved meanwhile.
    assert post(coordinator, f"/recordings/take/{second.id}/approve").status_code == 302
    assert [r.status for r in rows(db)] == ["replaced", "approved"]


def test_a_rejected_recording_is_neither_served_nor_played(app, db, client, coordinator):
    sentence = "Manje: peze 1."
    key = audio_key(sentence)
    upload(coordinator, key, MP3)
    [row] = rows(db)
    post(coordinator, f"/recordings/take/{row.id}/approve")
    assert post(coordinator, f"/recordings/take/{row.id}/reject").status_code == 302
    [entry] = audits(db, "sentence_recording_rejected")
    assert entry.before == {"status": "approved"} and entry.after["status"] == "rejected"
    assert client.get(f"/audio/ht/{key}-{row.id}.mp3").status_code == 404
    c = Call(client, "+15551234567").dial().press("3")
    assert not any(f"{key}-{row.id}" in url for url in c.played)
    assert rows(db)[0].audio is None  # a rejected voice is not kept


def test_an_approved_menu_line_plays_in_the_language_menu(app, db, client, coordinator):
    key = audio_key("Pou Kreyòl, peze 3.")
    upload(coordinator, key, MP3)
    [row] = rows(db)
    post(coordinator, f"/recordings/take/{row.id}/approve")
    c = Call(client, "+15551234567").dial()
    assert c.latest[2].played and c.latest[2].text.endswith(f"/audio/ht/{key}-{row.id}.mp3")


def test_a_translation_that_changes_leaves_its_old_recording_unplayed(app, db, client, coordinator):
    key = audio_key("Ki èd ou bezwen?")
    upload(coordinator, key, MP3)
    [row] = rows(db)
    post(coordinator, f"/recordings/take/{row.id}/approve")
    lookup = sentence_recordings.approved_lookup
    with db.session() as session:
        find = lookup(session)
        assert find("ht", "Ki èd ou bezwen?") == f"{key}-{row.id}.mp3"
        assert find("ht", "Ki èd ou bezwen jodi a?") is None


def test_a_coordinator_approves_and_removes_a_recorder_audited_with_the_number_masked(app, db, coordinator):
    answer = post(coordinator, "/recordings/ht/recorders", {"phone": "(617) 555-0142", "name": "Marie"})
    assert answer.status_code == 302
    with db.session() as session:
        recorder = session.scalars(select(Recorder)).one()
        assert (recorder.language, recorder.name, recorder.contact.phone) == ("ht", "Marie", "+16175550142")
        recorder_id = recorder.id
    [entry] = audits(db, "recorder_approved")
    assert "+16175550142" not in str(entry.after) and entry.after["language"] == "ht"
    page = text(coordinator.get("/recordings/ht"))
    assert "Marie" in page and "555-0142" not in page and "+16175550142" not in page
    assert post(coordinator, "/recordings/ht/recorders", {"phone": "12", "name": "x"}).status_code == 400
    assert post(coordinator, f"/recordings/recorders/{recorder_id}/remove").status_code == 302
    assert audits(db, "recorder_removed")
    with db.session() as session:
        assert session.scalars(select(Recorder)).all() == []
    assert post(coordinator, f"/recordings/recorders/{recorder_id}/remove").status_code == 404


def test_a_viewer_cannot_approve_a_recorder(app, db, viewer):
    assert post(viewer, "/recordings/ht/recorders", {"phone": "+16175550142"}).status_code == 403
    with db.session() as session:
        assert session.scalars(select(Recorder)).all() == []


def test_a_coordinator_approves_a_volunteer_as_recorder_from_their_page(app, db, coordinator, viewer):
    from hotline import volunteers

    with db.session() as session:
        volunteer_id = volunteers.save(session, volunteers.VolunteerSpec(
            phone="+16175550177", first_name="Jacques", skills="food", languages="ht", areas="02139",
            availability="any", consent_method="test", status="active")).id
    page = text(coordinator.get(f"/volunteers/{volunteer_id}"))
    assert "Language to record" in page
    assert post(viewer, f"/volunteers/{volunteer_id}/recorder", {"language": "ht"}).status_code == 403
    assert post(coordinator, f"/volunteers/{volunteer_id}/recorder", {"language": "en"}).status_code == 404
    assert post(coordinator, f"/volunteers/{volunteer_id}/recorder", {"language": "ht"}).status_code == 302
    assert "Records sentences in: Kreyòl" in text(coordinator.get(f"/volunteers/{volunteer_id}"))
    with db.session() as session:
        recorder = session.scalars(select(Recorder)).one()
        assert (recorder.name, recorder.contact.phone, recorder.language) == ("Jacques", "+16175550177", "ht")
    [entry] = audits(db, "recorder_approved")
    assert entry.after["volunteer"] == volunteer_id and "+16175550177" not in str(entry.after)
