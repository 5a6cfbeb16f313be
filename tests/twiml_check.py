"""Check a voice TwiML document against what Twilio accepts: verbs, attributes, nesting, codes."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from .twilio_voice_values import (
    DIAL_CHILDREN, FINISH_KEYS, GATHER_CHILDREN, GATHER_INPUTS, METHODS, RECORD_TRIM, SAY_LANGUAGES, SAY_VOICES_BY_LANGUAGE,
    SPEECH_LANGUAGES, VERB_ATTRIBUTES,
)

URL_ATTRIBUTES = {"action", "transcribeCallback", "recordingStatusCallback", "partialResultCallback", "url"}
POSITIVE_INTS = {"timeout", "numDigits", "maxLength", "length", "loop", "maxSpeechTime"}


def twiml_problems(xml: bytes | str, base_url: str) -> list[str]:
    """List what Twilio would refuse or misread in a voice TwiML document (empty when none)."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as error:
        return [f"not XML: {error}"]
    if root.tag != "Response":
        return [f"root is <{root.tag}>, not <Response>"]
    problems: list[str] = []
    if root.attrib:
        problems.append(f"<Response> has attributes {root.attrib}")
    for verb in root:
        problems += _verb_problems(verb, base_url, nested=False)
    return problems


def _verb_problems(verb: ET.Element, base_url: str, nested: bool) -> list[str]:
    name = verb.tag
    if name not in VERB_ATTRIBUTES:
        return [f"<{name}> is not a voice verb"]
    problems = [f"<{name}> has unknown attribute {attr!r}" for attr in verb.attrib if attr not in VERB_ATTRIBUTES[name]]
    attrs = verb.attrib
    for attr in POSITIVE_INTS & set(attrs):
        if not attrs[attr].isdigit() or int(attrs[attr]) < 1:
            problems.append(f"<{name} {attr}={attrs[attr]!r}> is not a positive whole number")
    for attr in URL_ATTRIBUTES & set(attrs):
        if not attrs[attr].startswith(base_url):
            problems.append(f"<{name} {attr}={attrs[attr]!r}> does not lead back to the hotline")
    if "method" in attrs and attrs["method"] not in METHODS:
        problems.append(f"<{name} method={attrs['method']!r}>")
    text = (verb.text or "").strip()
    if name == "Say":
        language, voice = attrs.get("language"), attrs.get("voice")
        if language not in SAY_LANGUAGES:
            problems.append(f"<Say language={language!r}> is not a Twilio <Say> language")
        elif voice not in SAY_VOICES_BY_LANGUAGE.get(language, set()):
            problems.append(f"<Say voice={voice!r}> is not a {language} voice")
        if not text:
            problems.append("<Say> says nothing")
        if len(verb):
            problems.append("<Say> has child elements")
    elif name == "Play":
        if not text.startswith(("https://", "http://")):
            problems.append(f"<Play> of {text!r} is not a URL")
    elif name == "Redirect":
        if not text.startswith(base_url):
            problems.append(f"<Redirect> to {text!r} does not lead back to the hotline")
    elif name == "Gather":
        if nested:
            problems.append("<Gather> inside another verb")
        inputs = attrs.get("input", "dtmf")
        if inputs not in GATHER_INPUTS:
            problems.append(f"<Gather input={inputs!r}>")
        if "speech" in inputs and attrs.get("language") not in SPEECH_LANGUAGES:
            problems.append(f"<Gather language={attrs.get('language')!r}> is not a speech-recognition language")
        if "language" in attrs and attrs["language"] not in SPEECH_LANGUAGES:
            problems.append(f"<Gather language={attrs['language']!r}> is not a speech-recognition language")
        if "speechTimeout" in attrs and not (attrs["speechTimeout"] == "auto" or attrs["speechTimeout"].isdigit()):
            problems.append(f"<Gather speechTimeout={attrs['speechTimeout']!r}>")
        if "finishOnKey" in attrs and not set(attrs["finishOnKey"]) <= FINISH_KEYS:
            problems.append(f"<Gather finishOnKey={attrs['finishOnKey']!r}>")
        if "action" not in attrs:
            problems.append("<Gather> without action would post back to the document's own URL")
        for child in verb:
            if child.tag not in GATHER_CHILDREN:
                problems.append(f"<{child.tag}> inside <Gather>")
            problems += _verb_problems(child, base_url, nested=True)
    elif name == "Record":
        if nested:
            problems.append("<Record> inside another verb")
        if "trim" in attrs and attrs["trim"] not in RECORD_TRIM:
            problems.append(f"<Record trim={attrs['trim']!r}>")
        if "transcribe" in attrs and attrs["transcribe"] not in ("true", "false"):
            problems.append(f"<Record transcribe={attrs['transcribe']!r}>")
        if "finishOnKey" in attrs and not set(attrs["finishOnKey"]) <= FINISH_KEYS:
            problems.append(f"<Record finishOnKey={attrs['finishOnKey']!r}>")
        if "action" not in attrs:
            problems.append("<Record> without action loops back to the document's own URL")
    elif name == "Dial":
        if nested:
            problems.append("<Dial> inside another verb")
        if not len(verb):
            problems.append("<Dial> with nobody to call")
        if "callerId" in attrs and not (attrs["callerId"].startswith("+") and attrs["callerId"][1:].isdigit()):
            problems.append(f"<Dial callerId={attrs['callerId']!r}> is not an E.164 number")
        for child in verb:
            if child.tag not in DIAL_CHILDREN:
                problems.append(f"<{child.tag}> inside <Dial>")
                continue
            problems += [f"<Number> has unknown attribute {a!r}" for a in child.attrib
                         if a not in VERB_ATTRIBUTES["Number"]]
            number = (child.text or "").strip()
            if not (number.startswith("+") and number[1:].isdigit()):
                problems.append(f"<Number> {number!r} is not an E.164 number")
            if "url" in child.attrib and not child.attrib["url"].startswith(base_url):
                problems.append("<Number url> does not lead back to the hotline")
    elif name in ("Hangup", "Pause") and (text or len(verb)):
        problems.append(f"<{name}> has content")
    if nested and name not in GATHER_CHILDREN:
        problems.append(f"<{name}> cannot be nested")
    return problems
