"""`hotline voice`: what to record for a language Twilio cannot speak."""
from __future__ import annotations

import click

from .. import wiring
from ..i18n import languages
from ..voice import placeholders
from ..voice.sentences import sentences
from .common import settings


@click.group()
def voice() -> None:
    """Calls."""


@voice.command("sentences")
@click.argument("language")
def voice_sentences(language: str) -> None:
    """List the sentences a call says in LANGUAGE, each with the file name its recording takes.

    Put recordings in locales/LANGUAGE/audio/ under those names (.mp3 or .wav); calls in a
    language without a Twilio voice play them instead of saying the sentence in the fallback.
    """
    lang = languages.get(language)
    if lang is None:
        raise click.ClickException(f"{language} is not a registered language")
    if lang.say_language:
        click.echo(f"# {lang.english_name} has a Twilio voice ({lang.say_voice}); recordings are not needed.", err=True)
    wiring.connect_flows()
    for key, sentence in sentences(settings(), language):
        click.echo(f"{key}.mp3\t{sentence}")


@voice.command("placeholders")
@click.argument("language")
def voice_placeholders(language: str) -> None:
    """Synthesize placeholder recordings of the menu line and the ten sentences a call says most in LANGUAGE.

    Needs espeak-ng with a voice for the language, and sox. The files go to locales/LANGUAGE/audio/
    (8 kHz mono WAV), listed in synthesized.tsv, which the console shows as placeholders to replace
    with people's recordings. A recording a person made is never overwritten.
    """
    lang = languages.get(language)
    if lang is None:
        raise click.ClickException(f"{language} is not a registered language")
    if not placeholders.can_synthesize(language):
        raise click.ClickException(f"espeak-ng (with a {language} voice) and sox are needed here")
    wiring.connect_flows()
    for name, sentence in placeholders.write_placeholders(settings(), language):
        click.echo(f"{name}\t{sentence}")
