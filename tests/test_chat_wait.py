"""`hotline chat`'s /wait lets time pass by moving the hotline's own clock, never the process's."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from hotline import clock
from hotline.cli import chat

SCRIPT = textwrap.dedent("""
    import sys
    from hotline.cli import main

    main(["chat", "+15551234567"], standalone_mode=False)
    print("time_machine imported:", "time_machine" in sys.modules)
""")

# The sandbox's four demo volunteers (+1555010000N) get the offers. A food request, then an hour
# and a wave's length: the first wave of offers (three volunteers) goes out at once; the fourth
# volunteer's offer only after another wave's time has passed.
CONVERSATION = "hello\n1\n1\nGroceries for two\n02139\n1\n/wait 1h\n/wait 20m\n/quit\n"


def midday_zone() -> str:
    """A time zone where it is now about noon: the chat runs on the real clock, and in quiet hours
    (any evening) a wave would wait for the morning."""
    offset = (12 - datetime.now(timezone.utc).hour + 12) % 24 - 12
    # The Etc zones' signs are POSIX's: Etc/GMT-5 is five hours ahead of UTC.
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"


def test_wait_in_chat_sends_the_next_wave_without_importing_time_machine(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'hotline.db'}", "TWILIO_ACCOUNT_SID": "",
           "TWILIO_AUTH_TOKEN": "", "REDIS_URL": "", "QUEUE_THREADS": "0",
           "INSTANCE_PATH": str(tmp_path / "instance"), "HOTLINE_TIMEZONE": midday_zone()}
    done = subprocess.run([sys.executable, "-c", SCRIPT], input=CONVERSATION, capture_output=True, text=True,
                          env=env, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    waited = [i for i, line in enumerate(lines) if line.startswith("(it is now ")]
    assert len(waited) == 2
    offers = {digit: [i for i, line in enumerate(lines) if line.startswith(f"to ***000{digit}: New task")]
              for digit in "1234"}
    assert all(len(found) == 1 for found in offers.values()), done.stdout
    assert offers["4"][0] > waited[0], "the second wave waits for time to pass"
    assert "+1555010000" not in "\n".join(line for line in lines if line.startswith("to "))
    assert lines[-1] == "time_machine imported: False"


def test_chat_module_does_not_import_time_machine():
    assert "time_machine" not in Path(chat.__file__).read_text(encoding="utf-8")


def test_advancing_the_clock_moves_now_and_composes_with_time_travel():
    start = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
    try:
        with time_machine.travel(start, tick=False):
            assert clock.now() == start
            assert clock.advance(timedelta(hours=2)) == start + timedelta(hours=2)
            assert clock.now() == start + timedelta(hours=2)
            assert clock.timestamp() == (start + timedelta(hours=2)).timestamp()
            clock.reset()
            assert clock.now() == start
    finally:
        clock.reset()


def test_the_clock_refuses_to_move_backwards():
    with pytest.raises(ValueError):
        clock.advance(timedelta(minutes=-1))
    assert clock.offset() == timedelta(0)
