"""The Recordings page as coordinators use it in Chromium: approve a recorder, whose call to the
recording line leaves a take waiting; listen to it, approve it, and hear it served where callers
will; the synthesized placeholders marked for replacement; nothing axe-core calls serious."""
from __future__ import annotations

import io
import math
import struct
import time
import wave
from dataclasses import replace

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hotline import create_app
from hotline.models import SentenceRecording
from hotline.voice import sentence_recordings

from ..conftest import PUBLIC_URL
from ..voice_caller import Call
from .conftest import SIZES, TIMEOUT_MS
from .helpers import axe, horizontal_overflow, sign_in, wide_elements

RECORDER = "+16175550142"


def a_tone(seconds: float = 1.0) -> bytes:
    """A real 8 kHz WAV a browser can play: a 440 Hz tone."""
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 8000)))
                                   for i in range(int(8000 * seconds))))
    return out.getvalue()


def poll(check, what: str):
    """Ask the page from here until `check()` holds (the page's CSP forbids the eval Playwright's waits use)."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


@pytest.mark.parametrize("size", SIZES)
def test_a_coordinator_approves_a_recorder_listens_to_their_take_and_approves_it(open_page, site, app, db, settings,
                                                                                 size):
    page = open_page(size)
    sign_in(page, db, "coordinator")
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Recordings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recordings in Kreyòl")
    menu_line = page.locator("li.sentence", has_text="Pou Kreyòl, peze 5.")
    expect(menu_line).to_contain_text("synthesized: replace with a human recording")
    assert not axe(page), "the recordings page"
    assert horizontal_overflow(page) <= 0, wide_elements(page)

    page.get_by_label("Their phone number").fill("(617) 555-0142")
    page.get_by_label("Name").fill("Marie")
    page.get_by_role("button", name="Approve as recorder").click()
    expect(page.get_by_role("status")).to_contain_text("may record sentences now")
    expect(page.locator("ul.recorders")).to_contain_text("Marie")

    # Marie calls the recording line (Twilio's webhooks, signed, to the same hotline), records, keeps.
    phone_app = create_app(replace(settings, public_url=PUBLIC_URL))
    try:
        call = Call(phone_app.test_client(), RECORDER).dial().press("1")
        assert "Sentence 1: we texted it to you." in call.text
        call.record(duration=2).press("1")
        assert call.text.startswith("Kept.")
    finally:
        phone_app.extensions["hotline"].close()
    with db.session() as session:
        take = session.scalars(select(SentenceRecording)).one()
        take_id, key, sentence = take.id, take.key, take.sentence
    # The queued job fetches the take's sound from Twilio (here: a tone).
    sentence_recordings.fetch(db, settings, lambda _sid: a_tone(), take_id)
    assert sentence == "Pou Kreyòl, peze 5."  # the most heard first

    page.get_by_role("link", name="Waiting for approval").click()
    row = page.locator(f"#s-{key}")
    expect(row).to_contain_text("Recorded on a call by Marie:")
    player = row.locator("audio").last
    src = player.get_attribute("src")
    assert src == f"/recordings/take/{take_id}.wav"
    heard = page.request.get(src)
    assert heard.status == 200 and heard.headers["content-type"].startswith("audio/wav")
    # Listen: the browser loads and plays the take.
    started = player.evaluate("a => { a.muted = true; return a.play().then(() => true, e => String(e)); }")
    assert started is True, started
    poll(lambda: player.evaluate("a => a.currentTime > 0"), "the take playing")
    assert not axe(page), "a take waiting for approval"

    row.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Approved: callers hear this recording from now on.")
    page.goto("/recordings/ht")
    approved = page.locator(f"#s-{key}")
    expect(approved).to_contain_text("approved recording")
    served = approved.locator("audio").first.get_attribute("src")
    assert served == f"/audio/ht/{key}-{take_id}.wav"
    assert page.request.get(served).body() == a_tone()
    assert not axe(page), "an approved recording"


@pytest.mark.parametrize("lang", ["es", "ar"])
def test_the_recordings_page_fits_a_phone_in_spanish_and_arabic_its_states_wrapping(open_page, site, db, lang,
                                                                                      tmp_path):
    page = open_page("phone")
    sign_in(page, db, "coordinator")
    page.goto(f"/recordings/ht?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    if lang == "es":
        expect(page.locator("li.sentence").first).to_contain_text("sintetizada: reemplácela con una grabación humana")
    page.locator("li.sentence").first.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"recordings-{lang}-360.png"))
    assert horizontal_overflow(page) <= 0, wide_elements(page)
    # Every state's words are whole on the screen: none runs past either edge or is clipped.
    cut = page.evaluate("""() => [...document.querySelectorAll(".badge, .counts li")]
        .filter((e) => { const r = e.getBoundingClientRect();
                         return r.left < -0.5 || r.right > window.innerWidth + 0.5 || e.scrollWidth > e.clientWidth + 1; })
        .map((e) => e.textContent)""")
    assert cut == [], cut
    assert not axe(page), f"the recordings page in {lang}"
