"""What the browser tests do again and again: sign in, text the hotline over HTTP, seed needs,
run axe-core, measure the page."""
from __future__ import annotations

import re
import urllib.parse
import urllib.request
import uuid
from functools import cache

from sqlalchemy import select

from hotline import needs, volunteers
from hotline.models import Contact, Need

from ..conftest import reply_text, sign
from ..console import PASSWORD, add_user
from .conftest import AXE_CORE

BAD = ("serious", "critical")


class LivePhone:
    """A resident's phone texting the hotline the way Twilio does: a signed POST to the live server."""

    def __init__(self, site: str, number: str):
        self.site = site
        self.number = number

    def text(self, body: str) -> str:
        params = {"From": self.number, "To": "+15550001111", "Body": body, "MessageSid": f"SM{uuid.uuid4().hex}",
                  "AccountSid": "AC" + "0" * 32, "NumMedia": "0"}
        url = f"{self.site}/twilio/sms"
        request = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(),
                                         headers={"X-Twilio-Signature": sign(url, params)})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert response.headers.get_content_type() == "text/xml"
            return reply_text(response.read())


def text_a_food_request(site: str, number: str, details: str = "Groceries for 3 people, no pork",
                        place: str = "Elm St and 5th, 02139") -> str:
    """A whole food request in English, texted in; return its reference."""
    phone = LivePhone(site, number)
    assert "1 English" in phone.text("hi")
    assert "What do you need help with?" in phone.text("1")
    assert "food do you need" in phone.text("1")
    assert "Where are you?" in phone.text(details)
    assert "Please check:" in phone.text(place)
    done = phone.text("1")
    found = re.search(r"Your request number is (\d{6})", done)
    assert found, done
    return found.group(1)


def add_volunteer(db, phone: str, name: str, *, skills="food", languages="en", areas="02139") -> int:
    with db.session() as session:
        volunteer = volunteers.save(session, volunteers.VolunteerSpec(
            phone=phone, first_name=name, skills=skills, languages=languages, areas=areas,
            availability="any", consent_method="test", status="active"))
        return volunteer.id


def add_need(db, phone: str, category: str, details: str, location: str, language: str, *,
             urgent: bool = False, attention: str | None = None) -> str:
    """A need stored directly (quicker than texting it in); return its reference."""
    from hotline.clock import now

    with db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == phone)).one_or_none()
        if contact is None:
            contact = Contact(phone=phone, language=language, language_source="chosen")
            session.add(contact)
            session.flush()
        need = needs.create(session, contact, category=category, details=details, location=location,
                            language=language)
        need.urgent = urgent
        if attention:
            need.attention, need.attention_at = attention, now()
        return need.ref


def the_need(db, ref: str) -> Need:
    with db.session() as session:
        need = session.scalars(select(Need).where(Need.ref == ref)).one()
        session.expunge(need)
        return need


def sign_in(page, db, role: str, email: str | None = None) -> str:
    """Make an account with this role and sign in with it through the form; return its email."""
    email = email or f"{role}@example.org"
    add_user(db, email, role)
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: urllib.parse.urlsplit(url).path in ("/", "/needs"))
    return email


def hold_still(page) -> None:
    """Stop the queue's refreshes from swapping the page while it is examined."""
    page.evaluate("""() => {
        if (!window.__held) {
            window.__held = true;
            document.body.addEventListener("htmx:beforeRequest", (event) => event.preventDefault());
        }
    }""")


@cache
def _axe_source() -> str:
    return AXE_CORE.read_text(encoding="utf-8")


class Violations(list):
    """axe-core's serious and critical violations, printed for a person to act on."""

    def __str__(self) -> str:
        if not self:
            return "no serious or critical accessibility violations"
        lines = [f"{len(self)} serious or critical accessibility violation(s):"]
        for v in self:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  {v['helpUrl']}")
            for node in v["nodes"][:8]:
                lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
                summary = (node.get("failureSummary") or "").replace("\n", " ")
                if summary:
                    lines.append(f"       {summary[:300]}")
            if len(v["nodes"]) > 8:
                lines.append(f"    ... and {len(v['nodes']) - 8} more")
        return "\n".join(lines)


def axe(page) -> Violations:
    """Run axe-core on the page as it stands; return the serious and critical violations."""
    hold_still(page)
    # The console's CSP allows no inline script, so a <script> tag with axe's source would be
    # refused; page.evaluate runs it through the DevTools protocol, which the CSP does not govern,
    # and the page itself stays exactly as served (its CSP still applies to everything else).
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    results = page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ["violations"]});
        return results.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map((n) => ({target: n.target, html: n.html, failureSummary: n.failureSummary}))}));
    }""")
    return Violations(v for v in results if v["impact"] in BAD)


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def wide_elements(page) -> list[str]:
    """The elements that stick out past the window's right edge, for a failure message."""
    return page.evaluate("""() => [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 10).map((e) => e.outerHTML.slice(0, 160))""")


def number_shown(text: str, number: str) -> bool:
    """Whether the page shows the number whole, in any usual writing ("+1 555-123-4567", "5551234567")."""
    national = number.removeprefix("+1")
    digits = r"\D{0,3}".join(national)
    return number in text or re.search(digits, text) is not None
