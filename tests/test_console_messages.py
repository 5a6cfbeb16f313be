"""The Messages page names each kind of message in the console's language, never by its stored code."""
from __future__ import annotations

import ast
import html
import pathlib
import re

from hotline.clock import now as utcnow
from hotline.i18n import Translator
from hotline.i18n.translator import CONSOLE
from hotline.outbound import outbox
from hotline.web.console import labels

from .console import post, signed_in, text

PACKAGE = pathlib.Path(outbox.__file__).resolve().parents[1]
# Everything that puts a row in the outbox, and takes its kind as `kind=`.
SENDERS = {"queue_sms", "queue_call", "notify", "tell", "OutboxMessage"}
# Where a kind is passed on from a caller (or from the row a call replaces), not chosen.
FORWARDED = {"kind", "message.kind"}


def in_(code: str, message: str) -> str:
    return Translator(code, "locales", CONSOLE)._(message)


def kinds_the_outbox_can_hold() -> set[str]:
    """Every kind the code gives an outbox row: literals, module constants and default values."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
                     and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
                     for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in SENDERS:
                for arg, default in zip(node.args.kwonlyargs, node.args.kw_defaults):
                    if arg.arg == "kind" and isinstance(default, ast.Constant):
                        found.add(default.value)
            if not isinstance(node, ast.Call):
                continue
            called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if called not in SENDERS:
                continue
            for keyword in node.keywords:
                if keyword.arg != "kind":
                    continue
                value = keyword.value
                if isinstance(value, ast.Constant):
                    found.add(value.value)
                elif isinstance(value, ast.Name) and value.id in constants:
                    found.add(constants[value.id])
                else:
                    assert ast.unparse(value) in FORWARDED, (
                        f"{path.relative_to(PACKAGE)}:{node.lineno}: an outbox kind the test cannot read")
    return found


def failed(db, kind: str, to: str = "+15558000001") -> None:
    with db.session() as session:
        row = outbox.queue_sms(session, to, "Hello", kind=kind)
        row.status, row.updated_at = outbox.FAILED, utcnow()


def kind_options(page: str) -> dict[str, str]:
    select = page.split('name="kind"', 1)[1].split("</select>", 1)[0]
    return {value: html.unescape(words) for value, words in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)<', select)}


def test_every_kind_of_message_the_outbox_can_hold_has_a_name_in_the_console():
    kinds = kinds_the_outbox_can_hold()
    assert {"offer", "reminder", "alert", "broadcast", "recording_delete"} <= kinds
    assert kinds - set(labels.MESSAGE_KIND) == set()


def test_the_messages_page_names_kinds_in_words_and_filters_by_their_codes(app, db):
    failed(db, "offer")
    failed(db, "reminder", "+15558000002")
    client = signed_in(app, db, "coordinator")
    page = client.get("/messages").get_data(as_text=True)
    assert kind_options(page) == {"": "Any", "offer": "Offer to a helper", "reminder": "Reminder"}
    rows = text(client.get("/messages?kind=offer")).split("Why", 1)[1]
    assert "Offer to a helper" in rows and "Reminder" not in rows and " offer " not in f" {rows} "


def test_the_messages_page_names_kinds_in_the_consoles_language(app, db):
    failed(db, "offer")
    client = signed_in(app, db, "coordinator")
    post(client, "/account/language", {"language": "es"})
    page = client.get("/messages").get_data(as_text=True)
    spanish = in_("es", "Offer to a helper")
    assert spanish != "Offer to a helper"
    assert kind_options(page)["offer"] == spanish
    assert spanish in text(client.get("/messages")).split(in_("es", "Why"), 1)[1]


def test_a_kind_the_console_has_no_name_for_still_reads_as_words(app, db):
    failed(db, "payout_notice")
    client = signed_in(app, db, "coordinator")
    page = client.get("/messages").get_data(as_text=True)
    assert kind_options(page)["payout_notice"] == "Payout notice"
    assert "payout_notice" not in text(client.get("/messages"))
