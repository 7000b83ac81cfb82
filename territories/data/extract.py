"""Rebuild the extract of the communes from the npm package @etalab/decoupage-administratif.

    npm pack @etalab/decoupage-administratif@6.0.0
    tar xzf etalab-decoupage-administratif-6.0.0.tgz
    python territories/data/extract.py package/data territories/data

Keeps only the current communes (not the delegated or associated ones, nor the municipal
arrondissements) and the fields the portal uses. Data: Licence Ouverte (Etalab).
"""

import csv
import json
import sys
from pathlib import Path


def main(source: Path, target: Path) -> None:
    departments = json.loads((source / "departements.json").read_text(encoding="utf-8"))
    with (target / "departements.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "nom"])
        for department in sorted(departments, key=lambda d: d["code"]):
            writer.writerow([department["code"], department["nom"]])

    communes = json.loads((source / "communes.json").read_text(encoding="utf-8"))
    with (target / "communes.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["code_insee", "nom", "departement", "codes_postaux", "population"])
        for commune in sorted(communes, key=lambda c: c["code"]):
            if commune["type"] != "commune-actuelle":
                continue
            writer.writerow(
                [
                    commune["code"],
                    commune["nom"],
                    commune["departement"],
                    " ".join(commune.get("codesPostaux", [])),
                    commune.get("population", ""),
                ]
            )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
