"""French place names with their article, as a mairie would print them: « dans le Loiret »,
« en Gironde », « dans les Yvelines », « dans l'Ain », « à Orléans », « au Mans », « du Loiret »,
« d'Orléans », « des Lilas ».

Which article a name takes is Insee's « type de nom en clair » (TNCC, `typeLiaison` in
@etalab/decoupage-administratif, loaded into Department.tncc and Commune.tncc):

    0  no article, starts with a consonant   de
    1  no article, starts with a vowel       d'
    2  le                                    du
    3  la                                    de la
    4  les                                   des
    5  l'                                    de l'
    6, 7, 8  aux, las, los (a handful of communes)

A commune's name carries its article (« Le Mans »), a department's does not (« Loiret »). The
TNCC does not say which preposition a department takes after « l' » (« dans l'Ain » but « en
Isère »), nor that islands and overseas collectivities take « à »: the tables below do.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """A place name in the forms a sentence needs."""

    name: str  # alone, as on a sign: « Loiret », « Le Mans »
    the: str  # as a subject: « le Loiret », « la Gironde », « Orléans », « Le Mans »
    in_: str  # where: « dans le Loiret », « en Gironde », « à Orléans », « au Mans »
    of: str  # whose: « du Loiret », « de la Gironde », « d'Orléans », « du Mans »

    def __str__(self):
        return self.name

    def form(self, preposition: str) -> str:
        """The form a template asks for by its French word: "dans", "à", "de", "le"."""
        return {"dans": self.in_, "à": self.in_, "de": self.of, "le": self.the}.get(
            preposition, self.name
        )


# The national portal speaks of the whole country.
FRANCE = Place("France", "la France", "en France", "de France")

VOWELS = frozenset("AEIOUYÂÀÉÈÊËÎÏÔÖÛÙÜŒaeiouyâàéèêëîïôöûùüœ")

# Departments named with « l' » that take « en » (feminine, and said so): « en Isère ». The
# others keep « dans l' »: « dans l'Ain », « dans l'Hérault », « dans l'Oise ».
DEPARTMENTS_WITH_EN = frozenset({"07", "09", "38", "91"})  # Ardèche, Ariège, Isère, Essonne

# Where the TNCC is not enough: cities and islands take « à », some names their article.
DEPARTMENT_OVERRIDES = {
    "75": ("Paris", "à Paris", "de Paris"),
    "974": ("La Réunion", "à La Réunion", "de La Réunion"),
    "975": (
        "Saint-Pierre-et-Miquelon",
        "à Saint-Pierre-et-Miquelon",
        "de Saint-Pierre-et-Miquelon",
    ),
    "976": ("Mayotte", "à Mayotte", "de Mayotte"),
    "977": ("Saint-Barthélemy", "à Saint-Barthélemy", "de Saint-Barthélemy"),
    "978": ("Saint-Martin", "à Saint-Martin", "de Saint-Martin"),
    "984": (
        "les Terres australes et antarctiques françaises",
        "dans les Terres australes et antarctiques françaises",
        "des Terres australes et antarctiques françaises",
    ),
    "986": ("Wallis-et-Futuna", "à Wallis-et-Futuna", "de Wallis-et-Futuna"),
    "987": ("la Polynésie française", "en Polynésie française", "de la Polynésie française"),
    "988": ("la Nouvelle-Calédonie", "en Nouvelle-Calédonie", "de la Nouvelle-Calédonie"),
    "989": ("l'île de Clipperton", "sur l'île de Clipperton", "de l'île de Clipperton"),
}

COMMUNE_ARTICLES = (("Le ", 2), ("La ", 3), ("Les ", 4), ("L'", 5), ("Aux ", 6))


def _starts_with_vowel(name: str) -> bool:
    return name[:1] in VOWELS


def department(name: str, tncc: int | None, code: str = "") -> Place:
    """A department, whose name comes without its article: « Loiret », TNCC 2."""
    if code in DEPARTMENT_OVERRIDES:
        return Place(name, *DEPARTMENT_OVERRIDES[code])
    if tncc is None:  # not loaded from the reference data: no article, as most compound names
        tncc = 1 if _starts_with_vowel(name) else 0
    if tncc == 2:
        return Place(name, f"le {name}", f"dans le {name}", f"du {name}")
    if tncc == 3:
        return Place(name, f"la {name}", f"en {name}", f"de la {name}")
    if tncc == 4:
        return Place(name, f"les {name}", f"dans les {name}", f"des {name}")
    if tncc == 5:
        where = f"en {name}" if code in DEPARTMENTS_WITH_EN else f"dans l'{name}"
        return Place(name, f"l'{name}", where, f"de l'{name}")
    # « en Maine-et-Loire », « de Seine-et-Marne », « d'Ille-et-Vilaine »
    of = f"d'{name}" if tncc == 1 or _starts_with_vowel(name) else f"de {name}"
    return Place(name, name, f"en {name}", of)


def commune(name: str, tncc: int | None) -> Place:
    """A commune, whose name carries its article: « Orléans », « Le Mans », « Les Lilas »."""
    if tncc is None:
        tncc = next(
            (code for article, code in COMMUNE_ARTICLES if name.startswith(article)),
            1 if _starts_with_vowel(name) else 0,
        )
    if tncc == 2 and name.startswith("Le "):
        rest = name[3:]
        return Place(name, name, f"au {rest}", f"du {rest}")
    if tncc == 4 and name.startswith("Les "):
        rest = name[4:]
        return Place(name, name, f"aux {rest}", f"des {rest}")
    of = f"d'{name}" if tncc in (1, 6) or (tncc != 0 and _starts_with_vowel(name)) else f"de {name}"
    return Place(name, name, f"à {name}", of)


def of(phrase: str) -> str:
    """« de » before a phrase that starts with its article: « le Département du Loiret » →
    « du Département du Loiret », « la commune d'Orléans » → « de la commune d'Orléans »."""
    for article, contracted in (("le ", "du "), ("les ", "des ")):
        if phrase.startswith(article):
            return contracted + phrase[len(article) :]
    if phrase.startswith("l'") or phrase[:1] in VOWELS:
        return f"de {phrase}" if phrase.startswith("l'") else f"d'{phrase}"
    return f"de {phrase}"
