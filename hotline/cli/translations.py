"""`hotline translations`: extract, update, compile and check the message catalogs."""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import catalogs
from .common import settings


@click.group()
def translations() -> None:
    """Message catalogs under locales/."""


def _locales() -> Path:
    return Path(settings().locales_dir)


@translations.command()
def extract() -> None:
    """Write locales/messages.pot and locales/console.pot from the code."""
    for domain in catalogs.DOMAINS:
        path = catalogs.write_template(_locales(), domain)
        click.echo(f"wrote {path}")


@translations.command()
@click.argument("languages", nargs=-1)
def update(languages: tuple[str, ...]) -> None:
    """Merge the templates into every catalog (or the LANGUAGES given, creating new ones)."""
    for domain in catalogs.DOMAINS:
        for code in catalogs.update(_locales(), list(languages) or None, domain):
            click.echo(f"updated {code} {domain}")


@translations.command("compile")
def compile_() -> None:
    """Write .mo files (optional: the hotline reads the .po files itself)."""
    for path in catalogs.compile_all(_locales()):
        click.echo(f"wrote {path}")


@translations.command()
def check() -> None:
    """Fail when the template is stale or a catalog is incomplete, fuzzy or inconsistent."""
    problems, reports = [], []
    for domain in catalogs.DOMAINS:
        found, checked = catalogs.check(_locales(), domain=domain)
        problems += found
        reports += checked
    for problem in problems:
        click.echo(problem)
    for report in reports:
        status = "ok" if report.ok else "INCOMPLETE"
        click.echo(f"{report.code} {report.domain}: {report.messages} messages, {len(report.missing)} missing, "
                   f"{len(report.fuzzy)} fuzzy, {len(report.errors)} errors: {status}")
        for label in report.missing[:10]:
            click.echo(f"  missing: {label}")
        for error in report.errors[:10]:
            click.echo(f"  error: {error}")
    if problems or not all(r.ok for r in reports):
        raise SystemExit(1)
