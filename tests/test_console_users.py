"""Accounts (`/users`): admins only; add, change a role, disable (signed out everywhere); nobody
removes themselves or the last admin; every change audited."""
from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import select

from hotline import accounts
from hotline.models import AuditEntry, User

from .console import PASSWORD, add_user, post, sign_in, signed_in, text


def account(db, email: str) -> User:
    with db.session() as session:
        return accounts.find(session, email)


def audited(db, action: str) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def new_account(client, email="dana@example.org", role="coordinator", password=PASSWORD, again=None, **extra):
    return post(client, "/users", {"email": email, "role": role, "password": password,
                                   "password_again": password if again is None else again, **extra})


# -- who may --------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["coordinator", "viewer"])
def test_only_admins_see_accounts_or_change_them(app, db, role):
    other = add_user(db, "other@example.org", "viewer")
    client = signed_in(app, db, role)
    assert client.get("/users").status_code == 403
    assert new_account(client).status_code == 403
    assert post(client, f"/users/{other}/role", {"role": "admin"}).status_code == 403
    assert post(client, f"/users/{other}/disable").status_code == 403
    assert account(db, "dana@example.org") is None
    assert account(db, "other@example.org").role == "viewer" and account(db, "other@example.org").active
    assert "Accounts" not in text(client.get("/needs"))  # not in their menu either


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client):
    response = client.get("/users")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_admin_sees_every_account_with_role_state_and_last_sign_in(app, db):
    add_user(db, "never@example.org", "viewer")
    gone = add_user(db, "gone@example.org", "coordinator")
    with db.session() as session:
        accounts.disable(session.get(User, gone))
    client = signed_in(app, db, "admin")
    page = text(client.get("/users"))
    assert "3 accounts" in page
    assert "admin@example.org you Admin Active" in page
    assert "gone@example.org Coordinator Disabled never" in page
    assert "never@example.org Viewer Active never" in page
    assert "Accounts" in text(client.get("/needs"))


# -- adding ---------------------------------------------------------------------------------

def test_an_admin_adds_an_account_that_can_sign_in_and_it_is_audited(app, db):
    client = signed_in(app, db, "admin")
    response = new_account(client, email="  Dana@Example.org ", role="viewer")
    assert response.status_code == 302
    assert "dana@example.org can now sign in as Viewer." in text(client.get("/users"))
    assert sign_in(app.test_client(), "dana@example.org").status_code == 302
    entry = audited(db, "user_added")[-1]
    assert entry.actor == "admin@example.org" and entry.subject == "user dana@example.org"
    assert entry.after == {"role": "viewer"} and PASSWORD not in str(entry.after)


@pytest.mark.parametrize("fields, message", [
    ({"again": "a different long password"}, "The two passwords are not the same."),
    ({"password": "short", "again": "short"}, "A password needs at least 12 characters."),
    ({"password": "p" * 2000, "again": "p" * 2000}, "That password is too long."),
    ({"email": "not an email"}, "That is not an email address."),
    ({"email": "a" * 300 + "@example.org"}, "That is not an email address."),
    ({"email": "x@" + "b" * 250 + ".org"}, "That is not an email address."),
    ({"email": ""}, "That is not an email address."),
    ({"role": "superuser"}, "Choose a role."),
    ({"role": ""}, "Choose a role."),
    ({"email": "admin@example.org"}, "That email already has an account."),
])
def test_an_account_that_cannot_be_added_is_explained_and_nothing_is_saved(app, db, fields, message):
    client = signed_in(app, db, "admin")
    response = new_account(client, **fields)
    assert response.status_code == 400
    assert message in text(response)
    with db.session() as session:
        assert accounts.count(session) == 1
    assert audited(db, "user_added") == []


def test_a_refused_form_keeps_the_email_but_never_the_password(app, db):
    client = signed_in(app, db, "admin")
    page = new_account(client, email="dana@example.org", again="another long password").get_data(as_text=True)
    assert 'value="dana@example.org"' in page and PASSWORD not in page


# -- roles ----------------------------------------------------------------------------------

def test_an_admin_changes_a_role_and_it_takes_effect_at_once_and_is_audited(app, db):
    coordinator = signed_in(app, db, "coordinator")
    assert coordinator.get("/users").status_code == 403
    admin = signed_in(app, db, "admin")
    target = account(db, "coordinator@example.org").id
    response = post(admin, f"/users/{target}/role", {"role": "admin"}, follow=True)
    assert "coordinator@example.org is now Admin." in text(response)
    assert coordinator.get("/users").status_code == 200
    entry = audited(db, "role_changed")[-1]
    assert entry.subject == "user coordinator@example.org"
    assert (entry.before, entry.after) == ({"role": "coordinator"}, {"role": "admin"})
    post(admin, f"/users/{target}/role", {"role": "viewer"})
    assert coordinator.get("/users").status_code == 403
    assert "Give it to a driver" not in coordinator.get("/rides").get_data(as_text=True)


@pytest.mark.parametrize("role, message", [("admin", "The account already has that role."),
                                           ("root", "Choose a role."), ("", "Choose a role.")])
def test_a_role_change_that_changes_nothing_or_is_unknown_is_refused(app, db, role, message):
    target = add_user(db, "ana@example.org", "admin")
    client = signed_in(app, db, "admin")
    response = post(client, f"/users/{target}/role", {"role": role}, follow=True)
    assert message in text(response)
    assert account(db, "ana@example.org").role == "admin"
    assert audited(db, "role_changed") == []


def test_an_admin_cannot_change_their_own_role(app, db):
    add_user(db, "other-admin@example.org", "admin")
    client = signed_in(app, db, "admin")
    me = account(db, "admin@example.org").id
    page = client.get("/users").get_data(as_text=True)
    assert f'/users/{me}/role' not in page and f'/users/{me}/disable' not in page
    response = post(client, f"/users/{me}/role", {"role": "viewer"}, follow=True)
    assert "You cannot do that to your own account." in text(response)
    assert account(db, "admin@example.org").role == "admin"


# -- disabling ------------------------------------------------------------------------------

def test_a_disabled_account_is_signed_out_at_its_next_request_and_cannot_sign_in(app, db):
    coordinator = signed_in(app, db, "coordinator")
    assert coordinator.get("/needs").status_code == 200
    admin = signed_in(app, db, "admin")
    target = account(db, "coordinator@example.org").id
    response = post(admin, f"/users/{target}/disable", follow=True)
    assert "coordinator@example.org is disabled and signed out everywhere." in text(response)
    response = coordinator.get("/needs")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert coordinator.get("/rides").status_code == 302
    assert sign_in(app.test_client(), "coordinator@example.org").status_code == 200  # the form again, refused
    entry = audited(db, "user_disabled")[-1]
    assert entry.actor == "admin@example.org" and entry.subject == "user coordinator@example.org"
    assert (entry.before, entry.after) == ({"active": True}, {"active": False})
    assert "coordinator@example.org Coordinator Disabled" in text(admin.get("/users"))


def test_an_admin_cannot_disable_themselves(app, db):
    add_user(db, "other-admin@example.org", "admin")
    client = signed_in(app, db, "admin")
    me = account(db, "admin@example.org").id
    response = post(client, f"/users/{me}/disable", follow=True)
    assert "You cannot do that to your own account." in text(response)
    assert account(db, "admin@example.org").active
    assert client.get("/users").status_code == 200


def test_disabling_an_account_twice_says_it_already_is(app, db):
    target = add_user(db, "ana@example.org", "viewer")
    client = signed_in(app, db, "admin")
    post(client, f"/users/{target}/disable")
    response = post(client, f"/users/{target}/disable", follow=True)
    assert "That account is already disabled." in text(response)
    assert len(audited(db, "user_disabled")) == 1


def test_another_admin_can_be_disabled_while_one_stays(app, db):
    other = add_user(db, "other-admin@example.org", "admin")
    client = signed_in(app, db, "admin")
    post(client, f"/users/{other}/disable")
    assert not account(db, "other-admin@example.org").active


@pytest.mark.parametrize("user_id", ["999999", "abc", "1" * 40, "-1"])
def test_changing_an_account_that_does_not_exist_is_not_found(app, db, user_id):
    client = signed_in(app, db, "admin")
    assert post(client, f"/users/{user_id}/disable").status_code == 404
    assert post(client, f"/users/{user_id}/role", {"role": "viewer"}).status_code == 404


def test_a_form_without_its_csrf_token_is_refused(app, db):
    target = add_user(db, "ana@example.org", "viewer")
    client = signed_in(app, db, "admin")
    assert client.post(f"/users/{target}/disable").status_code == 400
    assert account(db, "ana@example.org").active


# -- the last admin -------------------------------------------------------------------------

def test_the_last_active_admin_can_be_neither_disabled_nor_made_something_else(db):
    only = add_user(db, "only@example.org", "admin")
    add_user(db, "gone@example.org", "admin")
    with db.session() as session:
        accounts.disable(accounts.find(session, "gone@example.org"))
    with db.session() as session:
        user = session.get(User, only)
        with pytest.raises(accounts.AccountError) as refused:
            accounts.deactivate(session, user)
        assert refused.value.code == "last_admin"
        with pytest.raises(accounts.AccountError) as refused:
            accounts.change_role(session, user, "coordinator")
        assert refused.value.code == "last_admin"
    with db.session() as session:
        user = session.get(User, only)
        assert user.active and user.role == "admin"


def test_two_admins_disabling_each_other_at_once_leave_one_admin(db):
    first = add_user(db, "first@example.org", "admin")
    second = add_user(db, "second@example.org", "admin")
    outcomes: list[str] = []

    def disable(target: int, by: int) -> None:
        try:
            with db.session() as session:
                accounts.deactivate(session, session.get(User, target), by=session.get(User, by))
            outcomes.append("disabled")
        except accounts.AccountError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=disable, args=(first, second)),
               threading.Thread(target=disable, args=(second, first))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["disabled", "last_admin"]
    with db.session() as session:
        assert [u.email for u in accounts.all_users(session) if u.active and u.role == "admin"] in (
            ["first@example.org"], ["second@example.org"])


def test_the_accounts_page_has_no_inline_script_or_style_and_labels_every_field(app, db):
    add_user(db, "ana@example.org", "viewer")
    client = signed_in(app, db, "admin")
    page = client.get("/users").get_data(as_text=True)
    assert " style=" not in page and "<style" not in page and " onclick" not in page
    assert "/static/users.css" in page and '<th scope="col">' in page and "data-label=" in page
    for field_id in re.findall(r'<(?:select|input) id="([^"]+)"', page):
        assert f'for="{field_id}"' in page
