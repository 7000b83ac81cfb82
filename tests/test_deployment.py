"""The production shape (docker-compose.yml, deploy/) is valid and asks for what it cannot guess."""

import os
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from initiatives.forms import MAX_PHOTO_BYTES_PER_FORM
from outils.files import MAX_BYTES as KIT_MAX_BYTES

ROOT = Path(__file__).resolve().parent.parent

REQUIRED = {
    "DJANGO_SECRET_KEY": "une-cle-secrete-de-test",
    "POSTGRES_PASSWORD": "motdepasse",
    "LEGAL_PUBLISHER": "Association L'Heure Civique",
    "LEGAL_PUBLISHER_ADDRESS": "1 place de la Mairie, 45000 Orléans",
    "LEGAL_PUBLICATION_DIRECTOR": "Camille Martin",
    "LEGAL_HOST": "Hébergeur SAS",
    "LEGAL_HOST_ADDRESS": "2 rue des Serveurs, 59000 Lille",
}


def _compose_config(env):
    command = shutil.which("docker-compose")
    assert command, (
        "docker-compose is needed to check docker-compose.yml (apt-get install docker-compose)"
    )
    clean_env = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    return subprocess.run(
        [
            command,
            "--project-directory",
            str(ROOT),
            "-f",
            str(ROOT / "docker-compose.yml"),
            "config",
        ],
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_docker_compose_describes_the_whole_deployment():
    result = _compose_config(REQUIRED)
    assert result.returncode == 0, result.stderr
    for service in ("web:", "worker:", "beat:", "db:", "redis:", "mailcatcher:", "proxy:"):
        assert f"\n  {service}" in result.stdout, service
    assert "gunicorn heurecivique.wsgi" in result.stdout
    assert "celery -A heurecivique worker" in result.stdout
    assert "celery -A heurecivique beat" in result.stdout


def test_docker_compose_refuses_to_run_without_a_secret_key():
    env = {k: v for k, v in REQUIRED.items() if k != "DJANGO_SECRET_KEY"}
    result = _compose_config(env)
    assert result.returncode != 0
    assert "set DJANGO_SECRET_KEY" in result.stderr


# --- The size of uploads: nginx, Django and the forms agree -----------------------------------

MIB = 1024 * 1024


def _nginx(directive: str) -> list[str]:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    return [v.strip() for v in re.findall(rf"^\s*{directive}\s+([^;]+);", conf, re.MULTILINE)]


def test_the_proxy_lets_the_largest_upload_through_and_no_more():
    [size] = _nginx("client_max_body_size")
    assert re.fullmatch(r"\d+m", size)
    limit = int(size[:-1]) * MIB
    # A kit file at its limit and the rest of its form (1 Mio is plenty); nothing much more.
    assert limit == KIT_MAX_BYTES + MIB
    assert MAX_PHOTO_BYTES_PER_FORM < limit - MIB / 2
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < limit


def test_the_proxy_answers_in_french_an_oversized_upload_and_a_site_that_does_not_answer():
    assert _nginx("error_page") == ["413 /erreurs/413.html", "502 504 /erreurs/50x.html"]
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    location = re.search(r"location \^~ /erreurs/ \{([^}]*)\}", conf).group(1)
    assert "root /srv;" in location and "internal;" in location
    assert "./deploy/erreurs:/srv/erreurs:ro" in (ROOT / "docker-compose.yml").read_text()
    for name, heading in (("413", "Votre envoi est trop lourd"),
                          ("50x", "Le site est momentanément indisponible")):  # fmt: skip
        page = (ROOT / "deploy" / "erreurs" / f"{name}.html").read_text()
        assert '<html lang="fr">' in page and heading in page
        assert "<script" not in page and "style=" not in page  # its strict CSP allows neither
    assert f"{KIT_MAX_BYTES // MIB} Mo" in (ROOT / "deploy" / "erreurs" / "413.html").read_text()


def test_the_web_is_checked_on_sante_and_workers_have_no_statement_timeout():
    config = _compose_config(REQUIRED).stdout
    assert "http://127.0.0.1:8000/sante/" in config
    for service in ("migrate", "worker", "beat"):
        block = re.search(rf"\n  {service}:\n(.*?)\n  \w", config, re.S).group(1)
        assert "DATABASE_STATEMENT_TIMEOUT: '0'" in block, service
    web = re.search(r"\n  web:\n(.*?)\n  \w", config, re.S).group(1)
    assert "DATABASE_STATEMENT_TIMEOUT" not in web


def test_an_oversized_request_reaching_django_gets_a_french_page(client, resident):
    client.force_login(resident)
    # What nginx would let through, and Django does not keep in memory: fields of 6 Mio.
    response = client.post(reverse("initiatives:propose"), {"body": "x" * (6 * MIB)})
    assert response.status_code == 400
    assert "ou elle était trop lourde" in response.content.decode()
