import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import Client
from django.urls import reverse

from .public_pages import public_paths

ROOT = Path(__file__).resolve().parent.parent


def test_every_public_page_sends_the_security_headers(client, loiret):
    for path in public_paths(client):
        for host in ("testserver", "loiret.localhost"):
            response = client.get(path, HTTP_HOST=host)
            csp = response["Content-Security-Policy"]
            for directive in (
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self'",
                "object-src 'none'",
                "frame-ancestors 'none'",
                "base-uri 'self'",
                "form-action 'self'",
            ):
                assert directive in csp, (path, directive)
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
            assert response["X-Frame-Options"] == "DENY"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
            assert response["Cross-Origin-Opener-Policy"] == "same-origin"
            assert "camera=()" in response["Permissions-Policy"]
            assert "geolocation=()" in response["Permissions-Policy"]


def test_a_signed_in_persons_pages_are_kept_by_no_shared_cache(
    client, resident, loiret, portal_client
):
    assert "private" not in client.get("/").get("Cache-Control", "")
    client.force_login(resident)
    for path in ("/", reverse("personal_data"), reverse("account_email"), "/gestes/"):
        cache_control = portal_client("loiret").get(path).get("Cache-Control", "")
        assert "private" in cache_control and "public" not in cache_control, path


def test_no_public_page_needs_inline_script_or_style(client, loiret, portal_client):
    # The CSP forbids them: an inline script or style attribute would silently break.
    for path in public_paths(client, host="loiret.localhost"):
        page = portal_client("loiret").get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert not re.search(r"\sstyle=", page), path
        assert "<style" not in page, path


def test_a_form_posted_without_its_csrf_token_is_refused_in_french(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert "Ce formulaire a expiré" in response.content.decode()


def _manage(*args, **env):
    # The environment of a real deployment: none of the test run's development switches.
    inherited = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": ".lheurecivique.fr",
    "LEGAL_PUBLISHER": "Association L'Heure Civique",
    "LEGAL_PUBLISHER_ADDRESS": "1 place de la Mairie, 45000 Orléans",
    "LEGAL_PUBLICATION_DIRECTOR": "Camille Martin",
    "LEGAL_HOST": "Hébergeur SAS",
    "LEGAL_HOST_ADDRESS": "2 rue des Serveurs, 59000 Lille",
}


def test_production_settings_pass_the_deployment_checks():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64), **PRODUCTION,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": ""}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY est obligatoire" in result.stderr


def test_production_without_legal_notice_fails_the_deployment_checks():
    env = {**PRODUCTION, "LEGAL_PUBLISHER": "", "DJANGO_SECRET_KEY": secrets.token_urlsafe(64)}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "LEGAL_PUBLISHER n'est pas renseigné" in result.stderr + result.stdout
