import json
import time

import pytest
from django.db import OperationalError

from deploy import serve


def body(response) -> dict:
    return json.loads(response.content)


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert body(response) == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_cache_when_redis_is_gone(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens there.
            "LOCATION": f"redis://127.0.0.1:{serve.free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    start = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - start < 2
    assert response.status_code == 503
    assert body(response) == {"database": "ok", "cache": "down"}


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_database_when_it_is_gone(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("certsite.health.connection.cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert body(response) == {"database": "down", "cache": "ok"}


def test_healthz_takes_no_posts(client):
    assert client.post("/healthz").status_code == 405


def test_nginx_config_renders_every_placeholder(tmp_path):
    text = serve.render_nginx_conf(
        run_dir=tmp_path, port=8080, upstream_ports=[8081, 8082], static_root=tmp_path / "s"
    )
    assert "{{" not in text
    assert "listen 127.0.0.1:8080;" in text
    assert "server 127.0.0.1:8081" in text and "server 127.0.0.1:8082" in text
    assert f"pid {tmp_path}/nginx.pid;" in text
    assert "/etc/nginx/nginx.conf" not in text


def test_serve_trusts_nginx_and_keeps_the_operators_proxies(monkeypatch):
    monkeypatch.setenv("DJANGO_TRUSTED_PROXIES", "10.0.0.0/8")
    env = serve.child_environment()
    assert env["DJANGO_TRUSTED_PROXIES"] == "10.0.0.0/8,127.0.0.1"
    assert env["DJANGO_MANIFEST_STATIC"] == "1"
