import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from gestes.models import Geste, Theme, month_mask

from ..factories import GesteFactory

LIST = reverse("gestes:list")


def _titles(response) -> list[str]:
    return [g.title for g in response.context["gestes"]]


def test_search_ignores_accents_and_case(client, db):
    with_accent = _titles(client.get(LIST, {"q": "école"}))
    assert with_accent == _titles(client.get(LIST, {"q": "ecole"}))
    assert with_accent == _titles(client.get(LIST, {"q": "ÉCOLE"}))
    assert "Accompagner le pédibus de l'école" in with_accent
    assert all("ecole" in Geste.objects.get(title=t).search_text for t in with_accent)


def test_every_word_of_a_search_must_match(client, db):
    both = _titles(client.get(LIST, {"q": "chien voisin"}))
    assert "Promener le chien d'un voisin âgé" in both
    assert len(both) < len(_titles(client.get(LIST, {"q": "voisin"})))
    for title in both:
        text = Geste.objects.get(title=title).search_text
        assert "chien" in text and "voisin" in text


def test_a_plural_finds_what_the_singular_finds(client, db):
    singular = _titles(client.get(LIST, {"q": "ecole"}))
    assert singular
    assert _titles(client.get(LIST, {"q": "écoles"})) == singular
    assert _titles(client.get(LIST, {"q": "Voisins"})) == _titles(client.get(LIST, {"q": "voisin"}))


@pytest.mark.parametrize("q", ["%", "_", "%%", "_ %", "?"])
def test_a_search_of_wildcards_or_punctuation_finds_nothing(client, db, q):
    response = client.get(LIST, {"q": q})
    assert response.status_code == 200
    assert response.context["paginator"].count == 0
    assert "Aucun geste" in response.content.decode()


def test_a_season_keeps_the_all_year_gestes(client, db):
    all_year = Geste.objects.published().filter(months=0).count()
    winter_only = GesteFactory(title="Geste seulement l'hiver", months=month_mask([12, 1]))
    assert all_year > 20
    summer = client.get(LIST, {"season": "ete"})
    assert summer.context["paginator"].count >= all_year
    assert "ceux de toute l'année compris" in summer.content.decode()
    assert winter_only.title not in _titles(client.get(LIST, {"season": "ete", "q": "seulement"}))
    assert winter_only.title in _titles(client.get(LIST, {"season": "hiver", "q": "seulement"}))
    theme = Theme.objects.get(slug="numerique")
    for season in ("hiver", "printemps", "ete", "automne"):
        numerique = client.get(LIST, {"theme": theme.slug, "season": season})
        assert numerique.context["paginator"].count > 0, season


def test_filters_combine(client, db):
    theme = Theme.objects.get(slug="personnes-agees")
    response = client.get(LIST, {"theme": theme.slug, "kind": "personne", "season": "hiver"})
    gestes = list(response.context["gestes"])
    assert gestes
    for geste in gestes:
        assert theme in geste.themes.all()
        assert geste.kind == "personne"
        assert set(geste.month_list) & {12, 1, 2} or not geste.month_list
    assert "Déneiger l'entrée d'un voisin âgé" in _titles(response)
    everyone = client.get(LIST, {"theme": theme.slug}).context["paginator"].count
    assert everyone > len(gestes)


def test_a_bad_filter_value_is_ignored_not_an_error(client, db):
    response = client.get(LIST, {"theme": "n-existe-pas", "season": "<script>", "q": "jardin"})
    assert response.status_code == 200
    assert "Entretenir un jardin partagé" in _titles(response)
    assert "<script>" not in response.content.decode()


def test_the_gestes_of_the_month_are_put_forward(client, db):
    month = timezone.localdate().month
    response = client.get(LIST)
    du_mois = list(response.context["gestes_du_mois"])
    assert du_mois
    assert all(month in geste.month_list for geste in du_mois)
    assert "Les gestes du mois" in response.content.decode()
    assert "gestes_du_mois" not in client.get(LIST, {"q": "chien"}).context


def test_the_list_is_paginated(client, db):
    first = client.get(LIST)
    assert first.context["paginator"].count == 100
    assert len(first.context["gestes"]) == 24
    assert client.get(LIST, {"page": 5}).status_code == 200
    assert client.get(LIST, {"page": 99}).status_code == 404


def test_the_list_costs_the_same_with_100_or_1000_gestes(
    loiret, django_assert_max_num_queries, portal_client
):
    def queries():
        cache.clear()
        with django_assert_max_num_queries(50) as captured:
            portal_client("loiret").get(LIST, {"kind": "personne"})
            portal_client("loiret").get(LIST)
        return len(captured)

    with_100 = queries()
    themes = list(Theme.objects.all())
    Geste.objects.bulk_create(
        Geste(title=f"Geste {n}", slug=f"geste-{n}", summary="Un geste.", how_to="Faire.",
              kind="personne", status="publie", months=month_mask([timezone.localdate().month]))
        for n in range(900)
    )  # fmt: skip
    through = Geste.themes.through
    through.objects.bulk_create(
        through(geste=g, theme=themes[g.pk % len(themes)])
        for g in Geste.objects.filter(slug__startswith="geste-")
    )
    assert Geste.objects.count() == 1000
    assert queries() == with_100


def test_the_detail_page_gives_the_advice_and_related_gestes(client, db):
    geste = Geste.objects.get(title="Passer voir les personnes fragiles pendant la canicule")
    response = client.get(reverse("gestes:detail", args=[geste.slug]))
    page = response.content.decode()
    assert "Signalez les personnes isolées au registre canicule" in page
    assert "Conseils de prudence" in page and "Appelez le 15" in page
    assert "surtout en juin, juillet, août" in page
    related = list(response.context["related"])
    assert len(related) == 3 and geste not in related
    assert all(set(r.themes.all()) & set(geste.themes.all()) for r in related)


def test_an_unknown_or_unpublished_geste_is_not_found(client, db):
    proposal = GesteFactory(status=Geste.Status.PROPOSED)
    assert client.get(reverse("gestes:detail", args=["n-existe-pas"])).status_code == 404
    assert client.get(reverse("gestes:detail", args=[proposal.slug])).status_code == 404


def test_a_territorys_gestes_show_on_its_portals_only(
    client, loiret, gironde, orleans, national, portal_client
):
    local = GesteFactory(title="Le marché de la Loire", territory=loiret)
    url = reverse("gestes:detail", args=[local.slug])
    assert portal_client("loiret").get(url).status_code == 200
    assert portal_client("orleans").get(url).status_code == 200  # its commune
    assert portal_client("gironde").get(url).status_code == 404
    assert client.get(url).status_code == 404
    assert "Le marché de la Loire" in _titles(
        portal_client("loiret").get(LIST, {"q": "marche loire"})
    )


@pytest.fixture
def loiret_staff_client(client, loiret_agent):
    client.force_login(loiret_agent)
    return client


def test_a_portal_hides_a_national_geste_and_shows_it_again(
    loiret_staff_client, loiret, client, portal_client
):
    geste = Geste.objects.get(title="Nourrir les oiseaux en hiver")
    url = reverse("gestes:detail", args=[geste.slug])
    toggle = reverse("gestes:toggle_hidden", args=[geste.slug])
    portal_client("loiret", loiret_staff_client).post(toggle)
    assert loiret in geste.hidden_in.all()
    # Staff still reach it to undo; residents of the portal no longer see it.
    staff_page = portal_client("loiret", loiret_staff_client).get(url).content.decode()
    assert "masqué" in staff_page
    loiret_staff_client.logout()
    assert portal_client("loiret").get(url).status_code == 404
    assert client.get(url).status_code == 200  # elsewhere, untouched
    count = portal_client("loiret").get(LIST).context["paginator"].count
    assert count == 99


def test_only_the_portals_staff_can_hide_a_geste(
    client, resident, gironde_agent, loiret, portal_client
):
    geste = Geste.objects.get(title="Nourrir les oiseaux en hiver")
    toggle = reverse("gestes:toggle_hidden", args=[geste.slug])
    assert portal_client("loiret").post(toggle).status_code == 404
    client.force_login(resident)
    assert portal_client("loiret").post(toggle).status_code == 404
    client.force_login(gironde_agent)
    assert portal_client("loiret").post(toggle).status_code == 404
    assert not geste.hidden_in.exists()


def test_a_volunteer_chooses_a_geste_and_names_it_when_logging(
    client, resident, orleans_commune, loiret
):
    from tests.factories import VolunteerFactory

    VolunteerFactory(user=resident, commune=orleans_commune)
    client.force_login(resident)
    geste = Geste.objects.get(title="Téléphoner à une personne seule")
    client.post(reverse("volunteers:choose_geste", args=[geste.slug]), {"action": "choose"})
    page = client.get(reverse("gestes:detail", args=[geste.slug])).content.decode()
    assert "votre geste de ce mois-ci" in page
    form = client.get(reverse("volunteers:dashboard")).context["hour_form"]
    assert form.initial["geste"] == geste.pk
    client.post(
        reverse("volunteers:log_hour"),
        {"done_on": timezone.localdate().isoformat(), "minutes": "60", "geste": geste.pk},
    )
    assert geste.hours.count() == 1
    page = client.get(reverse("gestes:detail", args=[geste.slug])).content.decode()
    assert "1 volontaire a déjà noté une heure passée à ce geste." in page


def test_a_geste_hidden_by_the_portal_cannot_be_named_on_an_hour(
    client, resident, orleans_commune, loiret, portal_client
):
    # Any geste the portal shows can be named, chosen this month or not (tests/volunteers/
    # test_hours.py); one the portal hides cannot.
    from tests.factories import VolunteerFactory

    VolunteerFactory(user=resident, commune=orleans_commune)
    client.force_login(resident)
    geste = Geste.objects.get(title="Téléphoner à une personne seule")
    geste.hidden_in.add(loiret)
    response = portal_client("loiret").post(
        reverse("volunteers:log_hour"),
        {"done_on": timezone.localdate().isoformat(), "minutes": "60", "geste": geste.pk},
    )
    assert response.status_code == 400
    assert not geste.hours.exists()
