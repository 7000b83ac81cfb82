"""The production shape (docker-compose.yml) is valid and asks for what it cannot guess."""

import os
import shutil
import subprocess
from pathlib import Path

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
