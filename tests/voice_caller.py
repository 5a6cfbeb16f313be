"""A phone call to the hotline, played the way Twilio plays it.

The caller posts signed voice webhooks, parses each TwiML answer with ElementTree, checks it
against what Twilio accepts, and walks its verbs in order: <Say> and <Play> are heard; a
<Gather> or <Record> waits for the caller (keys, words, a recording, or silence, after which
the verbs that follow it run); <Redirect> is followed at once; <Hangup>, or the end of the
document, ends the call.
"""
from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from .conftest import PUBLIC_URL, sign
from .twiml_check import twiml_problems

HOTLINE_NUMBER = "+15550001111"


@dataclass(frozen=True)
class Heard:
    """One thing the caller heard: words in a language and voice, or a played recording."""

    text: str
    language: str | None = None
    voice: str | None = None
    played: bool = False


class CallEnded(AssertionError):
    pass


class Call:
    """One call from a number, one CallSid, from dialling to hanging up."""

    def __init__(self, client, number: str, call_sid: str | None = None):
        self.client = client
        self.number = number
        self.call_sid = call_sid or "CA" + uuid.uuid4().hex
        self.heard: list[Heard] = []  # everything, from the start
        self.latest: list[Heard] = []  # since the caller last did something
        self.documents: list[bytes] = []
        self.waiting: ET.Element | None = None  # the <Gather> or <Record> waiting for the caller
        self.after: list[ET.Element] = []  # the verbs that run if the caller stays silent
        self.ended = False
        self.last_request: tuple[str, dict] | None = None
        self.record_elements: list[ET.Element] = []

    # -- what the caller hears ---------------------------------------------------------------
    @property
    def text(self) -> str:
        """The words heard since the caller last did something."""
        return " ".join(h.text for h in self.latest if not h.played)

    @property
    def all_text(self) -> str:
        return " ".join(h.text for h in self.heard if not h.played)

    @property
    def played(self) -> list[str]:
        return [h.text for h in self.latest if h.played]

    # -- what the caller does ----------------------------------------------------------------
    def dial(self) -> "Call":
        self._post(f"{PUBLIC_URL}/twilio/voice", {"CallStatus": "ringing"})
        return self

    def press(self, keys: str) -> "Call":
        gather = self._gather("dtmf")
        digits = keys
        if "numDigits" in gather.attrib:
            digits = keys[: int(gather.attrib["numDigits"])]
        finish = gather.attrib.get("finishOnKey", "#")
        if finish and digits.endswith(finish):
            digits = digits[: -len(finish)]
            if not digits:
                # Twilio submits no <Gather> on its finish key alone: it waits, then goes on as after silence.
                return self.silence()
        return self._post(gather.attrib["action"], {"Digits": digits})

    def say(self, words: str, confidence: float = 0.92) -> "Call":
        self._gather("speech")
        return self._post(self.waiting.attrib["action"], {"SpeechResult": words, "Confidence": f"{confidence:.2f}"})

    def silence(self) -> "Call":
        """Say and press nothing: Twilio goes on with the verbs after the <Gather> or <Record>."""
        self._require_waiting()
        rest, self.waiting, self.after = self.after, None, []
        self.latest = []
        self._run(rest)
        return self

    def record(self, duration: int = 7, key: str = "#") -> "Call":
        waiting = self._require_waiting()
        if waiting.tag == "Gather" and self.after and self.after[0].tag == "Record":
            # Keys are offered first: the caller keys nothing, hears the tone, and speaks.
            rest, self.waiting, self.after = self.after, None, []
            self._run(rest)
        record = self._require_waiting()
        assert record.tag == "Record", f"nothing is recording: waiting on <{record.tag}>"
        sid = "RE" + uuid.uuid4().hex
        self.recording = {
            "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/{sid}",
            "RecordingSid": sid,
            "RecordingDuration": str(duration),
        }
        return self._post(record.attrib["action"], {**self.recording, "Digits": key})

    def transcribe(self, text: str, status: str = "completed"):
        """Twilio's transcription of the last recording arrives."""
        record = self.record_elements[-1]
        url = record.attrib["transcribeCallback"]
        params = {**self._base(), "RecordingSid": self.recording["RecordingSid"],
                  "RecordingUrl": self.recording["RecordingUrl"], "TranscriptionText": text,
                  "TranscriptionStatus": status, "TranscriptionSid": "TR" + uuid.uuid4().hex}
        return self.client.post(_path(url), data=params, headers={"X-Twilio-Signature": sign(url, params)})

    def retry(self):
        """Post the last request again, exactly, as Twilio does after a lost connection."""
        url, params = self.last_request
        return self.client.post(_path(url), data=params, headers={"X-Twilio-Signature": sign(url, params)})

    # -- Twilio's side -----------------------------------------------------------------------
    def _base(self) -> dict:
        return {"CallSid": self.call_sid, "AccountSid": "AC" + "0" * 32, "From": self.number,
                "To": HOTLINE_NUMBER, "Direction": "inbound", "CallStatus": "in-progress",
                "ApiVersion": "2010-04-01"}

    def _gather(self, input_kind: str) -> ET.Element:
        gather = self._require_waiting()
        assert gather.tag == "Gather", f"waiting on <{gather.tag}>, not a <Gather>"
        assert input_kind in gather.attrib.get("input", "dtmf"), f"this <Gather> takes no {input_kind}"
        return gather

    def _require_waiting(self) -> ET.Element:
        if self.ended:
            raise CallEnded("the call has ended")
        assert self.waiting is not None, "nothing is waiting for the caller"
        return self.waiting

    def _post(self, url: str, extra: dict) -> "Call":
        params = {**self._base(), **extra}
        self.last_request = (url, params)
        response = self.client.post(_path(url), data=params, headers={"X-Twilio-Signature": sign(url, params)})
        assert response.status_code == 200, (response.status_code, response.data)
        assert response.mimetype == "text/xml"
        self.documents.append(response.data)
        problems = twiml_problems(response.data, PUBLIC_URL)
        assert not problems, (problems, response.data)
        self.waiting, self.after, self.latest = None, [], []
        self._run(list(ET.fromstring(response.data)))
        return self

    def _run(self, verbs: list[ET.Element]) -> None:
        for index, verb in enumerate(verbs):
            if verb.tag in ("Say", "Play"):
                self._hear(verb)
            elif verb.tag == "Gather":
                for child in verb:
                    if child.tag in ("Say", "Play"):
                        self._hear(child)
                self.waiting, self.after = verb, verbs[index + 1:]
                return
            elif verb.tag == "Record":
                self.record_elements.append(verb)
                self.waiting, self.after = verb, verbs[index + 1:]
                return
            elif verb.tag == "Redirect":
                heard = self.latest
                self._post(verb.text.strip(), {})
                self.latest = heard + self.latest
                return
            elif verb.tag == "Hangup":
                self.ended = True
                return
        self.ended = True  # Twilio hangs up at the end of a document

    def _hear(self, verb: ET.Element) -> None:
        heard = Heard((verb.text or "").strip(), verb.attrib.get("language"), verb.attrib.get("voice"),
                      played=verb.tag == "Play")
        self.heard.append(heard)
        self.latest.append(heard)


def _path(url: str) -> str:
    assert url.startswith(PUBLIC_URL), url
    return url[len(PUBLIC_URL):]
