"""How long the toolbox takes to generate its branded documents, and to serve them again.

    DJANGO_DEBUG=true .venv/bin/python bench/branded_documents.py

Target (issue 5): a branded A4 poster well under a second; a repeated download from the cache.
Not run by `make test`: timings depend on the machine.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heurecivique.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.test import override_settings  # noqa: E402

from outils import documents  # noqa: E402, F401  (registers the documents)
from outils.documents import TEMPLATES  # noqa: E402
from outils.services import generated_file  # noqa: E402
from territories import places  # noqa: E402
from territories.branding import Branding  # noqa: E402

RUNS = 10
TARGET_MS = 1000


def main() -> int:
    branding = Branding(
        territory_name="Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson",
        primary_color="#00587c",
        secondary_color="#f7c948",
        logo_path=None,
        site_url="https://loiret.lheurecivique.fr",
        join_url="https://loiret.lheurecivique.fr/mon-heure/rejoindre/",
        territory_key="bench",
        kind="commune",
        place=places.commune("Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson", 0),
        authority="la commune de Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson",
        signatory=("Le Maire de Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson",),
    )
    print(f"{'document':26} {'median':>9} {'max':>9}   ({RUNS} runs each)")
    worst = 0.0
    for key, spec in TEMPLATES.items():
        timings = []
        for _run in range(RUNS):
            start = time.perf_counter()
            spec.build(branding)
            timings.append((time.perf_counter() - start) * 1000)
        worst = max(worst, max(timings))
        print(f"{key:26} {statistics.median(timings):7.1f} ms {max(timings):7.1f} ms")

    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        start = time.perf_counter()
        generated_file("affiche-lancement", branding)
        first = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        generated_file("affiche-lancement", branding)
        cached = (time.perf_counter() - start) * 1000
    print(f"\nA4 poster, first download {first:.1f} ms, from the cache {cached:.2f} ms")
    print(f"Slowest document {worst:.1f} ms; target {TARGET_MS} ms: "
          f"{'met' if worst < TARGET_MS else 'MISSED'}")  # fmt: skip
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
