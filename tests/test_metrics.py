"""`GET /metrics`: Prometheus text read from the database, behind METRICS_TOKEN or a console login."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from hotline.background.queue import enqueue
from hotline.background.worker import make_worker
from hotline.monitoring.metrics import Family, render

from .conftest import Phone
from .console import signed_in
from .scenario import VOLUNTEER, food_run

TOKEN = "scrape-me-0123456789"
SAMPLE = re.compile(r'^([a-z_]+)(\{[^}]*\})? (\S+)$')


@pytest.fixture
def settings(settings):
    return replace(settings, metrics_token=TOKEN)


def scrape(client, token: str = TOKEN) -> dict[str, float]:
    """Every sample of a scrape, by name and labels (`hotline_inbound_total{channel="sms"}`)."""
    response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for line in response.get_data(as_text=True).splitlines():
        if line.startswith("#"):
            continue
        name, labels, value = SAMPLE.match(line).groups()
        samples[name + (labels or "")] = float(value.replace("+Inf", "inf"))
    return samples


def test_metrics_are_refused_without_the_token_or_a_console_login(app, client, db):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": "Bearer "}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "hotline_" not in response.get_data(as_text=True)
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    # Anyone signed in to the console, whatever their role.
    viewer = signed_in(app, db, "viewer")
    response = viewer.get("/metrics")
    assert response.status_code == 200 and "hotline_inbound_total" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_without_a_metrics_token_set_a_bearer_token_opens_nothing(database_url, tmp_path, settings):
    from hotline import create_app

    app = create_app(replace(settings, metrics_token=""))
    try:
        client = app.test_client()
        assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 401
    finally:
        app.extensions["hotline"].close()


def test_inbound_replies_outbox_and_latency_move_when_a_text_comes_in_and_a_message_goes_out(harness):
    if harness.backend == "rq":
        make_worker(harness.hotline).register_birth()
    before = scrape(harness.client)
    assert before['hotline_inbound_total{channel="sms"}'] == 0
    Phone(harness.client, "+15551234567").text("hi")
    outbox_id = harness.queue(VOLUNTEER, "Can you take a food run?")
    harness.clock.shift(3)
    waiting = scrape(harness.client)
    assert waiting['hotline_inbound_total{channel="sms"}'] == 1
    assert waiting['hotline_replies_total{via="twiml"}'] == 1
    assert waiting['hotline_outbox_messages{status="pending"}'] == 1
    assert waiting['hotline_backlog_messages'] == 1 and waiting['hotline_backlog_age_seconds'] >= 3
    assert waiting['hotline_queue_jobs{state="queued"}'] == 1
    assert waiting['hotline_send_latency_seconds_count'] == 0

    harness.run_jobs()
    sent = scrape(harness.client)
    assert sent['hotline_outbox_messages{status="pending"}'] == 0
    assert sent['hotline_outbox_messages{status="queued"}'] == 1
    assert sent['hotline_backlog_messages'] == 0
    assert sent['hotline_queue_jobs{state="queued"}'] == 0
    assert sent['hotline_send_latency_seconds_count'] == 1
    assert sent['hotline_send_latency_seconds_bucket{le="1"}'] == 0
    assert sent['hotline_send_latency_seconds_bucket{le="5"}'] == 1
    assert sent['hotline_send_latency_seconds_bucket{le="+Inf"}'] == 1
    assert 3 <= sent['hotline_send_latency_seconds_sum'] < 5
    # The reply's segments were spent when it was given, the message's one when Twilio took it.
    assert waiting['hotline_budget_used{measure="sms",span="month"}'] >= 1
    assert sent['hotline_budget_used{measure="sms",span="month"}'] == \
        waiting['hotline_budget_used{measure="sms",span="month"}'] + 1
    assert sent['hotline_budget_limit{measure="sms",span="month"}'] == 0

    sid = harness.row(outbox_id).twilio_sid
    assert harness.callback(sid, "delivered").status_code == 204
    assert scrape(harness.client)['hotline_outbox_messages{status="delivered"}'] == 1


def test_dispatch_outcomes_count_offers_made_claims_and_escalations(harness):
    food_run(harness)
    made = scrape(harness.client)
    assert made["hotline_offers_made_total"] == 1
    assert made["hotline_offers_claimed_total"] == 0
    assert made['hotline_needs{status="offered"}'] == 1
    assert made["hotline_needs_escalated_total"] == 0
    # Nobody answers: the waves run out and the coordinators are told.
    for _ in range(harness.settings.max_waves):
        harness.clock.shift(harness.settings.wave_minutes * 60 + 60)
        enqueue("dispatch_sweep")
        harness.run_jobs()
    unmet = scrape(harness.client)
    assert unmet["hotline_needs_escalated_total"] == 1
    assert unmet['hotline_needs{status="unmet"}'] == 1


def test_a_claim_counts_as_claimed(harness):
    code = food_run(harness)
    Phone(harness.client, VOLUNTEER).text(code)
    claimed = scrape(harness.client)
    assert claimed["hotline_offers_claimed_total"] == 1
    assert claimed['hotline_needs{status="claimed"}'] == 1


def test_a_call_counts_once_however_many_turns_it_takes(client, call):
    ringing = call("+15551234567")
    ringing.press("1")
    samples = scrape(client)
    assert samples['hotline_inbound_total{channel="voice"}'] == 1
    assert samples['hotline_inbound_total{channel="sms"}'] == 0


def test_rq_queue_and_workers_are_counted(harness):
    if harness.backend != "rq":
        pytest.skip("RQ only")
    from datetime import timedelta

    assert scrape(harness.client)["hotline_workers"] == 0
    make_worker(harness.hotline).register_birth()
    harness.hotline.queue.enqueue_in(timedelta(hours=1), "sweep_outbox")
    samples = scrape(harness.client)
    assert samples["hotline_workers"] == 1 and samples["hotline_redis_up"] == 1
    assert samples['hotline_queue_jobs{state="scheduled"}'] == 1


def test_the_text_format_escapes_label_values_and_writes_infinity():
    page = render([Family("x_total", "counter", "X.").add(1, path='a"b\\c\nd'),
                   Family("y", "histogram", "Y.").add(2, "_bucket", le="+Inf").add(0.5, "_sum")])
    assert page == ('# HELP x_total X.\n# TYPE x_total counter\nx_total{path="a\\"b\\\\c\\nd"} 1\n'
                    '# HELP y Y.\n# TYPE y histogram\ny_bucket{le="+Inf"} 2\ny_sum 0.5\n')
