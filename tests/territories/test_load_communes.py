import io

from django.core.management import call_command

from territories.models import Commune, Department


def test_load_communes_loads_every_current_commune_once(db):
    call_command("load_communes", stdout=io.StringIO())
    communes = Commune.objects.count()
    assert communes >= 34_000
    assert Department.objects.count() >= 101

    # Reference points: a city with two postal codes, overseas codes, Corsica.
    orleans = Commune.objects.select_related("department").get(insee_code="45234")
    assert orleans.name == "Orléans"
    assert orleans.department.name == "Loiret"
    assert orleans.postal_code_list == ["45000", "45100"]
    assert orleans.place.of == "d'Orléans"  # its article (TNCC) is loaded too
    assert Commune.objects.get(insee_code="97411").department.code == "974"  # Saint-Denis
    assert Commune.objects.get(insee_code="2A004").department.code == "2A"  # Ajaccio
    assert Commune.objects.exclude(postal_codes="").count() >= communes - 10

    # Run again, after a local edit: same rows, edit undone, nothing duplicated.
    Commune.objects.filter(insee_code="45234").update(name="Orleans", postal_codes="", tncc=None)
    call_command("load_communes", stdout=io.StringIO())
    assert Commune.objects.count() == communes
    orleans.refresh_from_db()
    assert orleans.name == "Orléans"
    assert orleans.postal_code_list == ["45000", "45100"]
    assert orleans.place.of == "d'Orléans"  # its article (TNCC) is loaded too


def test_communes_are_found_by_postal_code_or_name_without_accents(
    orleans_commune, bordeaux_commune
):
    assert list(Commune.objects.search("450")) == [orleans_commune]
    assert list(Commune.objects.search("orleans")) == [orleans_commune]
    assert list(Commune.objects.search("ORLÉ")) == [orleans_commune]
    assert list(Commune.objects.search(" 3310")) == [bordeaux_commune]
    assert list(Commune.objects.search("Paris")) == []
