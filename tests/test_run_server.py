"""`hotline run` on its production server: threads as configured, a graceful stop on Ctrl-C and SIGTERM."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(tmp_path, port: int, **env_extra) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TWILIO_", "DATABASE_URL", "REDIS_URL", "PUBLIC_URL", "WEB_THREADS"))}
    env.update(INSTANCE_PATH=str(tmp_path / "instance"), **env_extra)
    # A session of its own, so a signal can go to the whole group as a terminal's Ctrl-C does.
    process = subprocess.Popen([sys.executable, "-m", "hotline", "run", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path, start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError(process.stdout.read().decode())
            time.sleep(0.2)


def _text(port: int, body: bytes) -> bytes:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/twilio/sms", data=body,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_hotline_run_answers_on_its_threads_and_stops_cleanly_when_told(stop, tmp_path):
    port = _free_port()
    process = _start(tmp_path, port, WEB_THREADS="3")
    try:
        assert b"English" in _text(port, b"From=%2B15551234567&Body=hello&MessageSid=SMstop1")
        os.killpg(process.pid, stop)
        process.wait(timeout=15)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    output = process.stdout.read().decode()
    assert process.returncode == 0, output
    assert "with 3 threads" in output
    assert "Traceback" not in output
    # Nothing is left running, and the next start finds the conversation where it was.
    process = _start(tmp_path, port)
    try:
        reply = _text(port, b"From=%2B15551234567&Body=1&MessageSid=SMstop2")
        assert b"English" not in reply and b"Food" in reply, reply  # English chosen: the menu of help
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
