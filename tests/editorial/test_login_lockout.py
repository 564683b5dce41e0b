"""Admin login throttling: five failures from one address lock it out for a while."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def account(db):
    return User.objects.create_user("editor", password="the-right-passphrase", is_staff=True)


def attempt(client, password, address="192.0.2.10"):
    return client.post(LOGIN, {"username": "editor", "password": password}, REMOTE_ADDR=address)


def test_five_failed_logins_lock_the_address_with_a_clear_message(account):
    client = Client()
    for _ in range(4):
        response = attempt(client, "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    response = attempt(client, "wrong")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Sign-in locked for a while" in html
    assert "after 5 in a row, signing in is locked for 30 minutes" in html
    # Even the right password is refused while locked.
    response = attempt(client, "the-right-passphrase")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_address(account):
    for _ in range(5):
        attempt(Client(), "wrong", address="192.0.2.10")
    response = attempt(Client(), "the-right-passphrase", address="192.0.2.99")
    assert response.status_code == 302


def test_a_successful_login_resets_the_count(account):
    client = Client()
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, "the-right-passphrase").status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200


def test_sign_ins_without_a_request_still_work(account, client):
    # The test client's login() and scripts authenticate with no request (no address).
    assert client.login(username="editor", password="the-right-passphrase")
    assert not Client().login(username="editor", password="wrong")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/admin/",
        "https:evil.example",
        "javascript:alert(1)",
        "/accounts/profile/",
        "/admin/../no-such-page/",
        "/admin/no-such-page/",
        "http://[::1",
        "\x00",
    ],
)
def test_a_bad_or_foreign_next_lands_on_the_admin_index(account, target):
    client = Client()
    page = client.get("/admin/login/", {"next": target})
    assert page.status_code == 200
    assert 'name="next" value="/admin/"' in page.content.decode()
    for query in ({"next": target}, {}):
        response = client.post(
            "/admin/login/?" + "&".join(f"next={v}" for v in query.values()),
            {"username": "editor", "password": "the-right-passphrase", **query},
        )
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
        client.logout()


def test_a_next_inside_the_site_is_kept(account):
    response = Client().post(
        "/admin/login/?next=/admin/catalog/certification/",
        {
            "username": "editor",
            "password": "the-right-passphrase",
            "next": "/admin/catalog/certification/",
        },
    )
    assert response["Location"] == "/admin/catalog/certification/"
