"""Place names take their article, from Insee's TNCC in the vendored reference data."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.template import Context, Template

from territories.models import Commune, Department, Territory
from territories.places import FRANCE


@pytest.fixture(scope="module")
def reference_data(django_db_setup, django_db_blocker):
    # Loaded once for the module in a transaction rolled back after it (each test's own
    # transaction is a savepoint inside it): deleting 35,000 communes took seconds.
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_communes", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


DEPARTMENTS = [
    # code, where, whose, subject
    ("45", "dans le Loiret", "du Loiret", "le Loiret"),
    ("33", "en Gironde", "de la Gironde", "la Gironde"),
    ("78", "dans les Yvelines", "des Yvelines", "les Yvelines"),
    ("13", "dans les Bouches-du-Rhône", "des Bouches-du-Rhône", "les Bouches-du-Rhône"),
    ("01", "dans l'Ain", "de l'Ain", "l'Ain"),
    ("34", "dans l'Hérault", "de l'Hérault", "l'Hérault"),
    ("38", "en Isère", "de l'Isère", "l'Isère"),
    ("91", "en Essonne", "de l'Essonne", "l'Essonne"),
    ("49", "en Maine-et-Loire", "de Maine-et-Loire", "Maine-et-Loire"),
    ("35", "en Ille-et-Vilaine", "d'Ille-et-Vilaine", "Ille-et-Vilaine"),
    ("90", "dans le Territoire de Belfort", "du Territoire de Belfort", "le Territoire de Belfort"),
    ("75", "à Paris", "de Paris", "Paris"),
    ("974", "à La Réunion", "de La Réunion", "La Réunion"),
    ("976", "à Mayotte", "de Mayotte", "Mayotte"),
    ("971", "en Guadeloupe", "de la Guadeloupe", "la Guadeloupe"),
    ("972", "en Martinique", "de la Martinique", "la Martinique"),
    ("973", "en Guyane", "de la Guyane", "la Guyane"),
]


@pytest.mark.parametrize(("code", "where", "whose", "subject"), DEPARTMENTS)
def test_a_department_takes_its_article(reference_data, db, code, where, whose, subject):
    place = Department.objects.get(code=code).place
    assert (place.in_, place.of, place.the) == (where, whose, subject)


COMMUNES = [
    # INSEE code, where, whose
    ("45234", "à Orléans", "d'Orléans"),
    ("45274", "à Saint-Denis-en-Val", "de Saint-Denis-en-Val"),
    ("72181", "au Mans", "du Mans"),
    ("93045", "aux Lilas", "des Lilas"),
    ("17300", "à La Rochelle", "de La Rochelle"),
    ("94038", "à L'Haÿ-les-Roses", "de L'Haÿ-les-Roses"),
    ("83069", "à Hyères", "d'Hyères"),
    ("67180", "à Haguenau", "de Haguenau"),
    ("97411", "à Saint-Denis", "de Saint-Denis"),
]


@pytest.mark.parametrize(("insee_code", "where", "whose"), COMMUNES)
def test_a_commune_takes_its_article(reference_data, db, insee_code, where, whose):
    place = Commune.objects.get(insee_code=insee_code).place
    assert (place.in_, place.of) == (where, whose)


def test_the_national_portal_speaks_of_france(national):
    assert national.place == FRANCE
    assert FRANCE.in_ == "en France"


def test_templates_name_a_portal_with_its_article(loiret, gironde):
    template = Template(
        '{% load french %}L\'Heure Civique arrive {{ t|lieu:"dans" }} ; '
        'le Département {{ t|lieu:"de" }} s\'engage ; {{ t|lieu:"le"|capfirst }} aussi.'
    )
    loiret = Territory.objects.select_related("department").get(pk=loiret.pk)
    assert template.render(Context({"t": loiret})) == (
        "L'Heure Civique arrive dans le Loiret ; le Département du Loiret s'engage ; "
        "Le Loiret aussi."
    )
    assert template.render(Context({"t": gironde})).startswith(
        "L'Heure Civique arrive en Gironde ; le Département de la Gironde"
    )
