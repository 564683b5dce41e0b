"""Who the client is: forwarded headers believed only from trusted proxies; sign-in locked
per username and address; the suggestion limit per real client (issue 10, finding 6)."""

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client, RequestFactory

from certsite.proxy import TrustedProxyMiddleware, client_address, parse_networks
from editorial.models import CorrectionSuggestion
from tests.conftest import make_certification

LOGIN = "/admin/login/?next=/admin/"
PROXY = "10.0.0.2"


def seen_by_the_site(settings, **meta):
    """What the views after the middleware see of a request with these META values."""
    seen = {}

    def view(request):
        seen["remote"] = request.META.get("REMOTE_ADDR")
        seen["forwarded_for"] = request.META.get("HTTP_X_FORWARDED_FOR")
        seen["secure"] = request.is_secure()
        return HttpResponse()

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    TrustedProxyMiddleware(view)(RequestFactory().get("/", **meta))
    return seen


@pytest.mark.parametrize("trusted", [[], ["10.0.0.0/8"], ["192.0.2.1"]])
def test_an_untrusted_client_cannot_choose_its_address_or_claim_https(settings, trusted):
    settings.TRUSTED_PROXIES = trusted
    seen = seen_by_the_site(
        settings,
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="203.0.113.1, 10.0.0.3",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert seen == {"remote": "198.51.100.7", "forwarded_for": None, "secure": False}


def test_a_trusted_proxy_says_who_the_client_is_and_that_it_used_https(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    seen = seen_by_the_site(
        settings,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.0.0.9",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert seen["remote"] == "198.51.100.7"  # right-most not ours; 1.2.3.4 was made up
    assert seen["secure"] is True


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (PROXY, "", PROXY),  # nothing forwarded: the proxy itself
        (PROXY, "198.51.100.7", "198.51.100.7"),
        (PROXY, "198.51.100.7,10.0.0.3", "198.51.100.7"),
        (PROXY, " 2001:db8::1 ", "2001:db8::1"),
        (PROXY, "10.0.0.4, 10.0.0.3", "10.0.0.4"),  # only our proxies: the farthest
        (PROXY, "198.51.100.7, not-an-address", PROXY),
        (PROXY, "<script>, , ", PROXY),
        ("198.51.100.7", "203.0.113.1", "198.51.100.7"),
        ("", "203.0.113.1", ""),
    ],
)
def test_client_address(remote, forwarded, expected):
    assert client_address(remote, forwarded, parse_networks(["10.0.0.0/8"])) == expected


def test_a_bad_trusted_proxy_setting_is_refused():
    with pytest.raises(ValueError):
        parse_networks(["10.0.0.300"])


# Sign-in throttling -------------------------------------------------------------------


@pytest.fixture
def accounts(db):
    return [
        User.objects.create_user(name, password=f"{name}-right-passphrase", is_staff=True)
        for name in ("alice", "bob")
    ]


def sign_in(name, password, address="192.0.2.10", **headers):
    return Client().post(
        LOGIN, {"username": name, "password": password}, REMOTE_ADDR=address, **headers
    )


def test_one_editors_failures_do_not_lock_out_others_behind_the_same_address(accounts):
    for _ in range(5):
        sign_in("alice", "wrong")
    assert sign_in("alice", "alice-right-passphrase").status_code == 429
    assert sign_in("bob", "bob-right-passphrase").status_code == 302


def test_a_spoofed_forwarded_for_does_not_escape_the_lock(accounts):
    for n in range(5):
        sign_in("alice", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = sign_in("alice", "alice-right-passphrase", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_lock_is_per_forwarded_client(settings, accounts):
    settings.TRUSTED_PROXIES = [PROXY]
    for _ in range(5):
        sign_in("alice", "wrong", address=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    locked = sign_in(
        "alice", "alice-right-passphrase", address=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert locked.status_code == 429
    elsewhere = sign_in(
        "alice", "alice-right-passphrase", address=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert elsewhere.status_code == 302


# The suggestion limit -----------------------------------------------------------------


def suggest(cert, address, **headers):
    data = {
        "field": "cost_amount",
        "proposed_value": "250",
        "source_url": "https://example.com/fee",
        "note": "",
        "website": "",
    }
    return Client().post(
        f"/certifications/{cert.slug}/suggest/", data, REMOTE_ADDR=address, **headers
    )


def test_a_spoofed_forwarded_for_does_not_lift_the_suggestion_limit(db):
    cert = make_certification()
    statuses = [
        suggest(cert, "198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(7)
    ]
    assert statuses == [302] * 5 + [429] * 2
    assert CorrectionSuggestion.objects.count() == 5


def test_behind_a_trusted_proxy_each_client_has_its_own_suggestion_limit(settings, db):
    settings.TRUSTED_PROXIES = [PROXY]
    cert = make_certification()
    for client_ip in ("198.51.100.7", "198.51.100.8"):
        statuses = [
            suggest(cert, PROXY, HTTP_X_FORWARDED_FOR=client_ip).status_code for _ in range(6)
        ]
        assert statuses == [302] * 5 + [429]
    assert CorrectionSuggestion.objects.count() == 10
