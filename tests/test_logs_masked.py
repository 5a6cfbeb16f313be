"""No log line carries a whole phone number, whichever logger wrote it, at any level."""
from __future__ import annotations

import io
import logging
import re

import pytest
from sqlalchemy import select

from hotline import logs
from hotline.models import OutboxMessage

from .conftest import HOTLINE_NUMBER, Phone
from .fake_twilio import timeout_after_create
from .scenario import RESIDENT, VOLUNTEER, food_run

NUMBERS = (RESIDENT, VOLUNTEER, HOTLINE_NUMBER, "+442079460958")


def whole_numbers_in(text: str) -> list[str]:
    """Every number of the test found whole in `text`, in any spelling (E.164, bare, URL-encoded)."""
    digits_only = re.sub(r"[\s().%-]", "", text.replace("%2B", "+").replace("%2b", "+"))
    return [n for n in NUMBERS if n[-10:] in digits_only or n[-10:] in text]


@pytest.mark.parametrize("line, masked", [
    ("sms from +16175550142", "sms from ***0142"),
    ("GET /Messages.json?To=%2B16175550142&From=%2B15550001111", "GET /Messages.json?To=***0142&From=***1111"),
    ("called 6175550142 back", "called ***0142 back"),
    ("reached +1 (617) 555-0142 at last", "reached ***0142 at last"),
    ("(617) 555-0142", "***0142"),
    ("+442079460958", "***0958"),
    ("sid SM16175550142aa17f3c and CA61755501420000", "sid SM16175550142aa17f3c and CA61755501420000"),
    ("ride at 2026-03-03 10:00:00+00:00, task 482, outbox 17", "ride at 2026-03-03 10:00:00+00:00, task 482, outbox 17"),
])
def test_phone_like_runs_are_masked_to_their_last_four_digits(line, masked):
    assert logs.mask_numbers(line) == masked


@pytest.fixture
def log_output():
    """Everything logged, formatted as a handler writes it, with the root logger at DEBUG."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(logs.FORMAT))
    root = logging.getLogger()
    level = root.level
    quiet = {name: logging.getLogger(name).level for name in logs.QUIET}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)
    for name, was in quiet.items():
        logging.getLogger(name).setLevel(was)


def test_the_filter_masks_arguments_tracebacks_and_stacks_from_any_logger(log_output):
    logs.protect()
    try:
        raise ValueError(f"cannot text {VOLUNTEER}")
    except ValueError:
        logging.getLogger("somebody.elses.library").exception("failed for %s (%r)", RESIDENT, {"to": VOLUNTEER},
                                                              stack_info=True)
    logging.getLogger("werkzeug").info('"GET /volunteers?q=%s HTTP/1.1" 200', "%2B16175550142")
    output = log_output.getvalue()
    assert "***0000" in output and "***0142" in output and "ValueError" in output
    assert whole_numbers_in(output) == []


def test_libraries_that_log_requests_are_held_at_warning(log_output):
    logs.protect()
    for name in ("twilio.http_client", "urllib3", "sqlalchemy.engine"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO)


def test_a_whole_scenario_at_debug_logs_no_whole_number(log_output, harness):
    # The offer's send times out after Twilio took it: the row is reconciled through the message list.
    harness.fake.then(timeout_after_create(1.0))
    code = food_run(harness)
    harness.settle(600)
    with harness.db.session() as session:
        offer = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "offer")).one()
        assert offer.status == "queued" and offer.twilio_sid
    assert len(harness.fake.sent_to(VOLUNTEER)) == 1
    volunteer = Phone(harness.client, VOLUNTEER)
    assert f"Task {code} is yours" in volunteer.text(code)
    assert "Sent to the resident" in volunteer.text("On my way, 10 minutes")
    harness.run_jobs()
    for message in list(harness.fake.messages):
        assert harness.callback(message["sid"], "delivered").status_code == 204
    Phone(harness.client, RESIDENT).text("STOP")
    harness.settle(600)
    logging.getLogger("hotline").debug("numbers in play: %s", NUMBERS)

    output = log_output.getvalue()
    assert "DEBUG" in output and "***0142" in output  # it did log, at DEBUG, and masked
    assert whole_numbers_in(output) == [], output
