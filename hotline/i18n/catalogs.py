"""The translators' workflow: extract messages, update catalogs, check them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from ..config import PACKAGE_DIR
from .compiled import compile_tree
from .translator import CONSOLE, DOMAIN, available, catalog_path

SOURCE_DIR = PACKAGE_DIR
# Where each domain's messages are written, first match wins: the web pages' words (the console's
# Python and templates, the open records) apart from what residents and volunteers read.
METHOD_MAPS = {
    DOMAIN: [("web/console/**.py", "ignore"), ("web/open.py", "ignore"), ("web/templates/**", "ignore"),
             ("**.py", "python")],
    CONSOLE: [("web/console/**.py", "python"), ("web/open.py", "python"),
              ("web/templates/**.html", "jinja2.ext:babel_extract")],
}
DOMAINS = tuple(METHOD_MAPS)
KEYWORDS = {
    "_": None,
    "gettext": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "NP_": ((1, "c"), 2),
}
COMMENT_TAGS = ("Translators:",)


def template_path(locales_dir: Path, domain: str = DOMAIN) -> Path:
    return Path(locales_dir) / f"{domain}.pot"


def extract(source_dir: Path = SOURCE_DIR, domain: str = DOMAIN) -> Catalog:
    """Collect every translatable message of a domain from the code."""
    catalog = Catalog(project="hotline", version="1", msgid_bugs_address="", charset="utf-8",
                      creation_date=datetime(2026, 1, 1, tzinfo=timezone.utc))
    for filename, lineno, message, comments, context in extract_from_dir(
        str(source_dir), method_map=METHOD_MAPS[domain], keywords=KEYWORDS, comment_tags=COMMENT_TAGS,
        strip_comment_tags=True, options_map={"web/templates/**.html": {"trimmed": "true"}},
    ):
        location = (str(Path("hotline") / filename), lineno)
        catalog.add(message, None, [location], auto_comments=comments, context=context)
    return catalog


def write_catalog(catalog: Catalog, path: Path, **options) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fp:
        write_po(fp, catalog, width=100, sort_output=False, omit_header=False, **options)


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fp:
        return read_po(fp, locale=locale)


def write_template(locales_dir: Path, domain: str = DOMAIN) -> Path:
    path = template_path(locales_dir, domain)
    write_catalog(extract(domain=domain), path, include_lineno=False)
    return path


def update(locales_dir: Path, languages: list[str] | None = None, domain: str = DOMAIN) -> list[str]:
    """Merge the template into each catalog (creating missing ones); return the languages done."""
    template = read_catalog(template_path(locales_dir, domain))
    done = []
    # Every language residents can use gets the console's words too.
    for code in languages or available(locales_dir):
        path = catalog_path(locales_dir, code, domain)
        if path.exists():
            catalog = read_catalog(path, code)
        else:
            catalog = Catalog(locale=code, project="hotline", charset="utf-8", fuzzy=False)
        # No fuzzy guesses: a near miss shown to a resident in crisis is worse than English.
        catalog.update(template, no_fuzzy_matching=True)
        write_catalog(catalog, path, include_lineno=False, ignore_obsolete=True)
        done.append(code)
    return done


def compile_all(locales_dir: Path) -> list[Path]:
    """Write .mo files beside the catalogs, as the build writes them into the package (a checkout's
    hotline reads the .po files directly)."""
    return [path for path in compile_tree(locales_dir, locales_dir) if path.suffix == ".mo"]


@dataclass
class Report:
    code: str
    domain: str = DOMAIN
    messages: int = 0
    missing: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.fuzzy or self.errors)


def _key(message) -> tuple:
    return (message.context, message.id if isinstance(message.id, str) else tuple(message.id))


def check(locales_dir: Path, languages: list[str] | None = None,
          domain: str = DOMAIN) -> tuple[list[str], list[Report]]:
    """Check the template against the code and every catalog against the template."""
    problems: list[str] = []
    template_file = template_path(locales_dir, domain)
    code_messages = {_key(m) for m in extract(domain=domain) if m.id}
    if not template_file.exists():
        problems.append(f"{template_file} is missing: run `hotline translations extract`")
        template_messages: set = set()
    else:
        template_messages = {_key(m) for m in read_catalog(template_file) if m.id}
        if template_messages != code_messages:
            added = len(code_messages - template_messages)
            removed = len(template_messages - code_messages)
            problems.append(
                f"{template_file.name} is out of date with the code ({added} new, {removed} gone): "
                "run `hotline translations extract` and `hotline translations update`"
            )
    reports = []
    for code in languages or available(locales_dir):
        path = catalog_path(locales_dir, code, domain)
        if not path.exists():
            problems.append(f"{code}: {path.name} is missing: run `hotline translations update`")
            continue
        catalog = read_catalog(path, code)
        report = Report(code, domain)
        present = {}
        for message in catalog:
            if not message.id:
                continue
            present[_key(message)] = message
        report.messages = len(code_messages)
        for key in code_messages:
            message = present.get(key)
            label = key[1] if isinstance(key[1], str) else key[1][0]
            if message is None:
                report.missing.append(label)
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if code != "en" and not all(strings):
                report.missing.append(label)
            if message.fuzzy:
                report.fuzzy.append(label)
        for message, errors in catalog.check():
            for error in errors:
                report.errors.append(f"{message.id!r}: {error}")
        reports.append(report)
    return problems, reports
