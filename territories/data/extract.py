"""Rebuild the extract of the communes from the npm package @etalab/decoupage-administratif.

    npm pack @etalab/decoupage-administratif@6.0.0
    tar xzf etalab-decoupage-administratif-6.0.0.tgz
    python territories/data/extract.py package/data territories/data

Keeps only the current communes (not the delegated or associated ones, nor the municipal
arrondissements) and the fields the portal uses, among them `tncc`, Insee's « type de nom en
clair » (typeLiaison) that says which article a name takes (territories/places.py). Data:
Licence Ouverte (Etalab).
"""

import csv
import json
import sys
from pathlib import Path

ARTICLES = (("Le ", 2), ("La ", 3), ("Les ", 4), ("L'", 5), ("Aux ", 6), ("Las ", 7), ("Los ", 8))


def tncc(place: dict) -> int:
    """Insee's TNCC; the package leaves it out for some overseas communes: read it off the
    name, which then carries its article."""
    if place.get("typeLiaison") is not None:
        return place["typeLiaison"]
    name = place["nom"]
    for article, code in ARTICLES:
        if name.startswith(article):
            return code
    return 1 if name[0] in "AEIOUYÉÈÊÎÔ" else 0


def main(source: Path, target: Path) -> None:
    departments = json.loads((source / "departements.json").read_text(encoding="utf-8"))
    with (target / "departements.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "nom", "tncc"])
        for department in sorted(departments, key=lambda d: d["code"]):
            writer.writerow([department["code"], department["nom"], tncc(department)])

    communes = json.loads((source / "communes.json").read_text(encoding="utf-8"))
    with (target / "communes.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["code_insee", "nom", "departement", "codes_postaux", "population", "tncc"])
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
                    tncc(commune),
                ]
            )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
