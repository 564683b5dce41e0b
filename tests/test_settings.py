import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from certsite.settings import database_from_url, env_bool

ROOT = Path(__file__).resolve().parents[1]


def run_manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        | {"DJANGO_SETTINGS_MODULE": "certsite.settings"}
        | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SECURE": "1",
    "DJANGO_SECRET_KEY": "x7!k2Pq9@Lm4#Vb8$Nz1&Rt6*Wy3^Hd5(Gf0)Js2_Ka7+Ue4=Xc9%Oi1-Pl8~Mn3",
    "DJANGO_ALLOWED_HOSTS": "certsite.example.org",
}


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_SECURE="1")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_is_off_unless_asked():
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_database_url_switches_to_postgresql_with_a_pool():
    config = database_from_url("postgres://app:s%40cret@db.internal:5433/certsite?sslmode=require")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("certsite", "app", "s@cret")
    assert (config["HOST"], config["PORT"]) == ("db.internal", "5433")
    assert config["OPTIONS"]["sslmode"] == "require"
    assert config["OPTIONS"]["pool"]["max_size"] == 10


def test_database_url_must_be_postgresql():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://root@localhost/certsite")


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("0", False), ("", False)]
)
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG") is expected
