"""The calendar of the year: a theme each month, national by default, rewritten by a territory."""

from django.urls import reverse
from django.utils import timezone

from gestes.models import Geste, MonthTheme
from territories.models import Membership

from ..factories import UserFactory, enrol_in_two_factor


def this_month() -> int:
    return timezone.localdate().month


def test_the_national_calendar_has_a_theme_and_gestes_for_every_month(db):
    themes = MonthTheme.objects.filter(territory=None).prefetch_related("gestes")
    assert sorted(theme.month for theme in themes) == list(range(1, 13))
    for theme in themes:
        assert len(theme.gestes.all()) >= 3, theme
    assert "galette" in themes.get(month=1).title.lower()
    assert themes.get(month=5).title == "La Fête des voisins"
    assert "Noël des Voisins" in themes.get(month=12).title


def test_the_home_page_shows_the_theme_of_the_month(client, db):
    theme = MonthTheme.objects.get(territory=None, month=this_month())
    page = client.get("/").content.decode()
    assert theme.title in page.replace("&#x27;", "'")
    first = theme.gestes.order_by("title").first()
    assert reverse("gestes:detail", args=[first.slug]) in page


def test_a_territory_writes_its_own_month_and_its_communes_inherit_it(
    client, loiret, orleans, portal_client
):
    MonthTheme.objects.create(
        territory=loiret,
        month=this_month(),
        title="Le mois des jardins loirétains",
        message="Les jardins partagés du Loiret ouvrent leurs portes.",
    )
    assert "Le mois des jardins loirétains" in portal_client("loiret").get("/").text
    assert "Le mois des jardins loirétains" in portal_client("orleans").get("/").text
    national = MonthTheme.objects.get(territory=None, month=this_month()).title
    assert national in client.get("/").content.decode().replace("&#x27;", "'")

    MonthTheme.objects.create(
        territory=orleans, month=this_month(), title="Orléans en fête", message="Ensemble."
    )
    assert MonthTheme.objects.for_month(orleans, this_month()).title == "Orléans en fête"
    assert MonthTheme.objects.for_month(loiret, this_month()).territory == loiret


def test_local_staff_read_the_national_calendar_and_write_only_their_own(
    client, loiret, gironde, loiret_agent
):
    national = MonthTheme.objects.get(territory=None, month=1)
    client.force_login(loiret_agent)
    changelist = client.get(reverse("admin:gestes_monththeme_changelist"))
    assert national.title in changelist.text.replace("&#x27;", "'")

    change_url = reverse("admin:gestes_monththeme_change", args=[national.pk])
    response = client.post(change_url, {"title": "Détourné", "message": "x", "month": 1})
    assert response.status_code == 403
    national.refresh_from_db()
    assert national.title != "Détourné"

    # Their own month: territory required, and only their territories offered.
    add = reverse("admin:gestes_monththeme_add")
    geste = Geste.objects.get(slug="partager-la-galette-des-rois-entre-voisins")
    response = client.post(add, {"month": 1, "title": "Galettes", "message": "x", "gestes": []})
    assert response.status_code == 200  # form redisplayed: a territory is needed
    response = client.post(
        add,
        {"month": 1, "title": "Galettes", "message": "x", "territory": gironde.pk},
    )
    assert response.status_code == 200
    assert not MonthTheme.objects.filter(territory=gironde).exists()
    response = client.post(
        add,
        {
            "month": 1,
            "title": "Galettes du Loiret",
            "message": "Partageons la galette.",
            "territory": loiret.pk,
            "gestes": [geste.pk],
        },
    )
    assert response.status_code == 302
    mine = MonthTheme.objects.get(territory=loiret, month=1)
    assert list(mine.gestes.all()) == [geste]


def test_a_commune_agent_does_not_see_another_territorys_months(client, loiret, gironde):
    MonthTheme.objects.create(
        territory=gironde, month=3, title="Bordeaux au printemps", message="-"
    )
    agent = UserFactory(email="mairie@example.org")
    Membership.objects.create(user=agent, territory=loiret, role=Membership.Role.COMMUNE_AGENT)
    enrol_in_two_factor(agent)
    client.force_login(agent)
    page = client.get(reverse("admin:gestes_monththeme_changelist")).text
    assert "Bordeaux au printemps" not in page
