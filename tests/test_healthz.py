"""/healthz, what load balancers ask: 200 "ok" while the application, its
database and its cache answer, 503 otherwise, over plain http too.

The failing cases use real unreachable collaborators: a Redis address where
nothing listens, a database that cannot be opened.
"""

import copy
import runpy
import socket
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.db.utils import load_backend
from django.test import Client, override_settings
from pytest_django.asserts import assertContains, assertRedirects

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_port():
    """A loopback port bound by nobody's listener: connections are refused."""
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        yield placeholder.getsockname()[1]


@pytest.fixture
def unreachable_database(tmp_path, closed_port):
    """Make the default database one that cannot be reached, for one test."""
    original = connections["default"]
    settings_dict = copy.deepcopy(original.settings_dict)
    if original.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port))
        pool = settings_dict["OPTIONS"].get("pool")
        if pool:
            # Give up waiting for a connection after 1 s rather than 10.
            settings_dict["OPTIONS"]["pool"] = {**pool, "timeout": 1}
    # Its own alias, so that it gets its own connection pool.
    broken = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        settings_dict, alias="unreachable"
    )
    connections["default"] = broken
    yield broken
    connections["default"] = original
    broken.close()
    if hasattr(broken, "close_pool"):
        broken.close_pool()


def test_healthz_answers_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain"
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_503_when_the_cache_is_unreachable(client, closed_port):
    redis_nowhere = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
        }
    }

    with override_settings(CACHES=redis_nowhere):
        response = client.get("/healthz")

    assertContains(
        response, "unavailable: cache: ConnectionError", status_code=503, html=False
    )
    assert "database" not in response.content.decode()


def test_healthz_answers_503_when_the_database_is_unreachable(
    client, unreachable_database
):
    response = client.get("/healthz")

    assertContains(
        response,
        "unavailable: database: OperationalError",
        status_code=503,
        html=False,
    )
    assert "cache" not in response.content.decode()


def test_healthz_answers_plain_http_in_the_production_profile(monkeypatch):
    monkeypatch.setenv("DJANGO_HTTPS", "on")
    production = runpy.run_path(
        str(Path(django_settings.BASE_DIR) / "briefing" / "settings.py")
    )
    https_settings = {
        name: production[name]
        for name in (
            "SECURE_PROXY_SSL_HEADER",
            "SECURE_SSL_REDIRECT",
            "SECURE_REDIRECT_EXEMPT",
        )
    }

    with override_settings(**https_settings):
        # A new client builds its middleware under these settings.
        balancer = Client()
        health = balancer.get("/healthz")
        front_page = balancer.get("/")

    assert health.status_code == 200
    assert health.content == b"ok"
    assertRedirects(
        front_page,
        "https://testserver/",
        status_code=301,
        fetch_redirect_response=False,
    )
