"""Crisis mode (issue 17): the switch in the admin, the banner on every page of the portals
concerned, the home page's call, the crisis kit and the gestes first, « disponible en cas
d'urgence » in one click, and the end, early or on the end date."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from gestes.models import Geste, Theme
from mobilisation import crises
from mobilisation.models import Crisis
from mobilisation.tasks import end_past_crises
from outils.documents import TEMPLATES
from outils.models import Kit
from territories.branding import branding_of
from territories.models import Membership
from tests.factories import GesteFactory, UserFactory, VolunteerFactory, enrol_in_two_factor

BANNER = 'class="crisis-banner"'
CALL = 'id="que-faire"'
ADD = "admin:mobilisation_crisis_add"


def _today():
    return timezone.localdate()


def _start(territory, kind=Crisis.Kind.HEATWAVE, days=3, **kwargs):
    return crises.start(
        territory=territory,
        kind=kind,
        message=kwargs.pop("message", "Fortes chaleurs : prenez des nouvelles de vos voisins."),
        ends_on=_today() + datetime.timedelta(days=days),
        **kwargs,
    )


def _page(client, host, path="/"):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200, path
    return response.content.decode()


# --- The switch in the admin ----------------------------------------------------------------


def test_a_mairie_switches_its_commune_into_crisis_mode_and_off(
    client, orleans, orleans_agent, loiret
):
    client.force_login(orleans_agent)
    form = client.get(reverse(ADD))
    assert form.status_code == 200
    assert form.context["adminform"].form.initial["territory"] == orleans.pk  # her commune
    ends_on = _today() + datetime.timedelta(days=4)
    response = client.post(
        reverse(ADD),
        {
            "territory": orleans.pk,
            "kind": "canicule",
            "message": "  Plan canicule : la salle Eiffel est rafraîchie de 10 h à 18 h.  ",
            "ends_on": ends_on.isoformat(),
        },
        follow=True,
    )
    crisis = Crisis.objects.get()
    assert (crisis.territory, crisis.kind, crisis.ends_on) == (orleans, "canicule", ends_on)
    assert crisis.message == "Plan canicule : la salle Eiffel est rafraîchie de 10 h à 18 h."
    assert crisis.started_by == orleans_agent and crisis.ended_at is None
    assert "Le mode crise est déclenché à Orléans" in response.content.decode()

    visitor = type(client)()
    page = _page(visitor, "orleans.localhost")
    assert BANNER in page and CALL in page
    assert "Canicule à Orléans" in page and "la salle Eiffel est rafraîchie" in page
    # A commune's crisis is told on its own portal, not on its department's.
    assert BANNER not in _page(visitor, "loiret.localhost")

    # From the crisis' page, she writes to the volunteers available in an emergency: the new
    # message is tied to the crisis and aimed at them.
    crisis_page = client.get(reverse("admin:mobilisation_crisis_change", args=[crisis.pk]))
    link = r'<a href="([^"]+)">Écrire aux volontaires disponibles en cas d'
    [write] = re.findall(link, crisis_page.content.decode())
    initial = client.get(write.replace("&amp;", "&")).context["adminform"].form.initial
    assert (initial["territory"], initial["crisis"], initial["emergency_only"]) == (
        str(orleans.pk), str(crisis.pk), "1"
    )  # fmt: skip

    end_page = reverse("admin:mobilisation_crisis_end", args=[crisis.pk])
    asked = client.get(end_page).content.decode()
    assert "Arrêter le mode crise" in asked
    assert "reçoivent un courriel de remerciement, une seule fois" in asked
    crisis.refresh_from_db()
    assert crisis.ended_at is None  # the page asks; only its button acts
    client.post(end_page)
    crisis.refresh_from_db()
    assert crisis.ended_at is not None and crisis.ended_by == orleans_agent
    page = _page(visitor, "orleans.localhost")
    assert BANNER not in page and CALL not in page
    assert "Donnez une heure par mois à vos voisins</h1>" in page  # the home page is back
    # An ended crisis stays on record, read-only; it cannot be ended twice.
    client.post(end_page)
    assert Crisis.objects.get().ended_at == crisis.ended_at


def test_extending_a_crisis_moves_its_end_date(client, loiret, loiret_agent):
    crisis = _start(loiret, days=1)
    client.force_login(loiret_agent)
    later = _today() + datetime.timedelta(days=10)
    change = reverse("admin:mobilisation_crisis_change", args=[crisis.pk])
    response = client.post(
        change, {"message": "La vigilance rouge est prolongée.", "ends_on": later.isoformat()}
    )
    assert response.status_code == 302
    crisis.refresh_from_db()
    assert (crisis.ends_on, crisis.message) == (later, "La vigilance rouge est prolongée.")
    assert (crisis.kind, crisis.territory) == ("canicule", loiret)


@pytest.mark.parametrize(
    ("ends_on", "error"),
    [
        (-1, "La fin prévue ne peut pas être passée"),
        (91, "trois mois au plus"),
        (None, "Ce champ est obligatoire"),
    ],
)
def test_a_bad_end_date_is_refused_in_french(client, orleans, orleans_agent, ends_on, error):
    client.force_login(orleans_agent)
    day = "" if ends_on is None else (_today() + datetime.timedelta(days=ends_on)).isoformat()
    response = client.post(
        reverse(ADD),
        {"territory": orleans.pk, "kind": "canicule", "message": "Chaleur.", "ends_on": day},
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Crisis.objects.exists()


def test_a_second_crisis_waits_for_the_first_to_end(client, orleans, orleans_agent):
    first = _start(orleans)
    client.force_login(orleans_agent)
    response = client.post(
        reverse(ADD),
        {
            "territory": orleans.pk,
            "kind": "inondation",
            "message": "Crue de la Loire.",
            "ends_on": (_today() + datetime.timedelta(days=2)).isoformat(),
        },
    )
    assert "Le mode crise est déjà en cours pour ce territoire" in response.content.decode()
    assert list(Crisis.objects.all()) == [first]


def test_a_crisis_past_its_end_date_does_not_block_a_new_one(client, orleans, orleans_agent):
    past = Crisis.objects.create(
        territory=orleans,
        kind=Crisis.Kind.COLD,
        message="Grand froid.",
        starts_at=timezone.now() - datetime.timedelta(days=5),
        ends_on=_today() - datetime.timedelta(days=1),
    )  # beat has not ended it yet
    client.force_login(orleans_agent)
    client.post(
        reverse(ADD),
        {
            "territory": orleans.pk,
            "kind": "inondation",
            "message": "Crue de la Loire.",
            "ends_on": (_today() + datetime.timedelta(days=2)).isoformat(),
        },
    )
    past.refresh_from_db()
    assert past.ended_at is not None and past.ended_by is None
    assert Crisis.objects.running().get().kind == "inondation"
    # Through the service as well.
    with pytest.raises(Exception, match="déjà en cours"):
        _start(orleans)


def test_a_department_switches_for_itself_and_its_communes_not_for_others(
    client, loiret_agent, loiret, orleans, gironde
):
    client.force_login(loiret_agent)
    day = (_today() + datetime.timedelta(days=2)).isoformat()
    for territory in (gironde, loiret, orleans):
        client.post(
            reverse(ADD),
            {"territory": territory.pk, "kind": "canicule", "message": "Chaleur.", "ends_on": day},
        )
    assert set(Crisis.objects.values_list("territory__slug", flat=True)) == {"loiret", "orleans"}


def test_national_staff_switch_the_nation(client, national_admin, national):
    client.force_login(national_admin)
    day = (_today() + datetime.timedelta(days=2)).isoformat()
    client.post(
        reverse(ADD),
        {"territory": national.pk, "kind": "epidemie", "message": "Grippe.", "ends_on": day},
    )
    assert Crisis.objects.get().territory == national


def test_a_message_too_long_is_refused(client, orleans, orleans_agent):
    client.force_login(orleans_agent)
    day = (_today() + datetime.timedelta(days=2)).isoformat()
    response = client.post(
        reverse(ADD),
        {"territory": orleans.pk, "kind": "autre", "message": "Très long. " * 40, "ends_on": day},
    )
    assert "au plus 400 caractères (actuellement 439)" in response.content.decode()
    assert not Crisis.objects.exists()


def test_the_message_limit_is_said_and_never_cut_silently(client, orleans, orleans_agent):
    """Audit 11: the browser's maxlength cut a pasted message at 400 characters mid-word; the
    help says the limit, the server refuses beyond it, and a line break counts as one."""
    client.force_login(orleans_agent)
    form = client.get(reverse(ADD)).content.decode()
    assert "400 caractères au plus" in form
    textarea = re.search(r"<textarea[^>]*name=\"message\"[^>]*>", form).group(0)
    assert "maxlength" not in textarea
    day = (_today() + datetime.timedelta(days=2)).isoformat()
    message = "Coupure d'eau.\r\n\r\n" + "x" * 384  # 400 as the page counts, 402 in CR LF
    client.post(
        reverse(ADD),
        {"territory": orleans.pk, "kind": "autre", "message": message, "ends_on": day},
    )
    assert Crisis.objects.get().message == message.replace("\r\n", "\n")


@pytest.mark.parametrize("persona", ["orleans_elected", "association_referent", "moderator"])
def test_elus_referents_and_moderators_cannot_switch(client, request, orleans, persona):
    if persona == "moderator":
        user = UserFactory(is_staff=True)
        Membership.objects.create(user=user, territory=orleans, role=Membership.Role.MODERATOR)
        enrol_in_two_factor(user)
    else:
        user = request.getfixturevalue(persona)
    client.force_login(user)
    day = (_today() + datetime.timedelta(days=2)).isoformat()
    client.post(
        reverse(ADD),
        {"territory": orleans.pk, "kind": "canicule", "message": "Chaleur.", "ends_on": day},
    )
    assert not Crisis.objects.exists()
    crisis = _start(orleans)
    client.post(reverse("admin:mobilisation_crisis_end", args=[crisis.pk]))
    crisis.refresh_from_db()
    assert crisis.ended_at is None


# --- The banner and the portals concerned ----------------------------------------------------


def test_a_department_crisis_shows_on_its_communes_portals_and_nowhere_else(
    client, loiret, orleans, gironde
):
    _start(loiret, message="Vigilance canicule orange dans tout le département.")
    for host in ("loiret.localhost", "orleans.localhost"):
        page = _page(client, host)
        assert BANNER in page and "Canicule dans le Loiret" in page
    for host in ("gironde.localhost", "testserver"):
        assert BANNER not in _page(client, host)


def test_a_national_crisis_shows_everywhere_the_closest_first(client, national, loiret, orleans):
    _start(national, kind=Crisis.Kind.EPIDEMIC, message="Épidémie de grippe.")
    _start(orleans, kind=Crisis.Kind.FLOOD, message="La Loire déborde quai du Châtelet.")
    page = _page(client, "orleans.localhost")
    assert page.index("Inondation à Orléans") < page.index("Épidémie en France")
    assert "Inondation à Orléans&nbsp;: veillons sur nos voisins</h1>" in page  # the call: closest
    page = _page(client, "loiret.localhost")
    assert "Épidémie en France" in page and "Inondation" not in page


@pytest.mark.parametrize(
    "path",
    ["/", "/gestes/", "/outils/", "/appel/", "/missions/", "/initiatives/", "/mentions-legales/"],
)
def test_the_banner_is_at_the_top_of_every_page(client, loiret, path):
    _start(loiret)
    page = _page(client, "loiret.localhost", path)
    assert BANNER in page
    assert page.index(BANNER) < page.index('class="site-header"')


def test_the_banner_goes_on_the_day_after_the_end_date_and_beat_ends_the_crisis(
    client, loiret, monkeypatch, settings
):
    settings.PUBLIC_PAGE_SECONDS = 300  # even from a page kept the day before
    crisis = _start(loiret, days=0)  # ends tonight
    assert BANNER in _page(client, "loiret.localhost")
    tomorrow = _today() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert BANNER not in _page(client, "loiret.localhost")
    crisis.refresh_from_db()
    assert crisis.ended_at is None
    assert end_past_crises() == 1
    crisis.refresh_from_db()
    assert crisis.ended_at is not None and crisis.ended_by is None
    assert end_past_crises() == 0  # ended once


def test_kept_pages_show_the_banner_as_soon_as_a_crisis_starts_and_drop_it_when_it_ends(
    client, loiret, settings
):
    settings.PUBLIC_PAGE_SECONDS = 300
    for path in ("/", "/gestes/", "/outils/"):
        assert BANNER not in _page(client, "loiret.localhost", path)  # kept without a banner
    crisis = _start(loiret)
    for path in ("/", "/gestes/", "/outils/"):
        assert BANNER in _page(client, "loiret.localhost", path)
    crises.end(crisis)
    for path in ("/", "/gestes/", "/outils/"):
        assert BANNER not in _page(client, "loiret.localhost", path)


def test_the_home_page_leads_with_the_call_and_what_to_do(client, loiret):
    _start(loiret, kind=Crisis.Kind.COLD, message="Plan grand froid : gymnase ouvert la nuit.")
    page = _page(client, "loiret.localhost")
    assert page.index(CALL) < page.index('id="hero-title"')
    assert "Grand froid dans le Loiret&nbsp;: veillons sur nos voisins</h1>" in page
    assert "Le Département du Loiret vous informe" in page
    assert "gymnase ouvert la nuit." in page
    assert "appelez le\u00a0115" in page  # the kind's advice
    assert 'href="/outils/kit-grand-froid/">Kit grand froid, à vos couleurs</a>' in page
    assert f'href="{reverse("volunteers:emergency")}">Je suis disponible' in page
    # Only one h1: the usual title steps down.
    assert page.count("<h1") == 1


def test_the_message_is_text_never_html(client, loiret):
    _start(loiret, message="<script>alert(1)</script> Restez au frais.")
    page = _page(client, "loiret.localhost", "/gestes/")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Restez au frais." in page


# --- The kit and the gestes ------------------------------------------------------------------


def test_another_crisis_is_an_alert_wherever_it_is_titled(client, orleans):
    """Kind « autre » (a water cut…) is never printed as a name: « Alerte à Orléans », and the
    kit offered fits any alert (not the Kit Coronavirus)."""
    _start(orleans, kind=Crisis.Kind.OTHER, message="Coupure d'eau jusqu'à jeudi.")
    pages = {
        path: _page(client, "orleans.localhost", path) for path in ("/", "/outils/", "/gestes/")
    }
    for path, page in pages.items():
        assert "Autre" not in page, path
        assert "Alerte à Orléans" in page, path  # the banner, and each page's own title
    assert "Alerte à Orléans</strong>" in pages["/"]  # the banner
    assert "Alerte à Orléans&nbsp;: veillons sur nos voisins" in pages["/"]
    assert "Alerte · jusqu'au" in pages["/"]
    assert "Alerte à Orléans&nbsp;: le kit à utiliser maintenant" in pages["/outils/"]
    assert "Alerte à Orléans&nbsp;: les gestes utiles en ce moment" in pages["/gestes/"]
    assert 'href="/outils/kit-alerte/"' in pages["/"]
    assert "Coronavirus" not in pages["/"]


@pytest.mark.parametrize(
    ("kind", "slug"),
    [
        ("canicule", "kit-canicule"),
        ("grand-froid", "kit-grand-froid"),
        ("inondation", "kit-inondation"),
        ("epidemie", "kit-epidemie"),
        ("autre", "kit-alerte"),
    ],
)
def test_the_crisis_kit_comes_first_in_the_toolbox(client, loiret, kind, slug):
    assert 'id="kits-crise-title"' not in _page(client, "loiret.localhost", "/outils/")
    _start(loiret, kind=kind)
    page = _page(client, "loiret.localhost", "/outils/")
    kit = Kit.objects.get(slug=slug)
    link = f'href="/outils/{slug}/"'
    assert page.index('id="kits-crise-title"') < page.index('aria-label="Thèmes des kits"')
    assert page.count(link) == 1  # first, and not a second time in its section
    assert page.index(link) < page.index('id="audience-1"')
    assert kit.title in page


@pytest.mark.parametrize("kind", ["canicule", "grand-froid", "inondation", "epidemie", "alerte"])
def test_each_crisis_kit_is_generated_in_the_portals_colours(client, loiret, kind):
    detail = _page(client, "loiret.localhost", f"/outils/kit-{kind}/")
    kit = Kit.objects.get(slug=f"kit-{kind}")
    assert [r.template for r in kit.resources.all()] == [
        f"fiche-{kind}",
        f"affiche-{kind}",
        "avis-de-porte",
    ]
    assert "Que faire : la fiche conseils" in detail
    sheet = kit.resources.get(template=f"fiche-{kind}")
    response = client.get(
        reverse("outils:download", args=[kit.slug, sheet.pk]), HTTP_HOST="loiret.localhost"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF") and len(pdf) > 3000


def test_the_national_portal_gets_its_crisis_documents_too(national):
    branding = branding_of(national, "http://testserver")
    for kind in ("canicule", "grand-froid", "inondation", "epidemie"):
        for document in (f"fiche-{kind}", f"affiche-{kind}"):
            assert TEMPLATES[document].build(branding).startswith(b"%PDF")


@pytest.mark.parametrize("kind", Crisis.Kind.values)
def test_every_kind_has_six_national_gestes_that_help(db, kind):
    assert Geste.objects.filter(slug__in=crises.GESTES[kind], territory=None).count() == 6


def test_the_gestes_that_help_come_first(client, loiret):
    page = _page(client, "loiret.localhost", "/gestes/")
    assert 'id="gestes-crise"' not in page
    _start(loiret, kind=Crisis.Kind.HEATWAVE)
    Geste.objects.get(slug="relayer-les-alertes-meteo-aupres-de-ses-voisins").hidden_in.add(loiret)
    page = _page(client, "loiret.localhost", "/gestes/")
    start = page.index('id="gestes-crise"')
    section = page[start : page.index("</section>", start)]
    assert "Canicule dans le Loiret&nbsp;: les gestes utiles en ce moment" in section
    cards = section.split('<article class="geste-card">')[1:]
    # In the order that helps most first; the one the Loiret hides is left out.
    assert [card.split("</a>")[0].rsplit(">", 1)[1] for card in cards] == [
        "Passer voir les personnes fragiles pendant la canicule",
        "Téléphoner à une personne seule",
        "Faire les courses d&#x27;un voisin âgé",
        "Aller chercher les médicaments d&#x27;un voisin malade",
        "Faire le lien entre un voisin en difficulté et le CCAS",
    ]
    assert start < page.index('id="results-title"')
    # A search or another page shows what was asked for, without the section.
    assert 'id="gestes-crise"' not in _page(client, "loiret.localhost", "/gestes/?q=arbre")


# --- « Je suis disponible en cas d'urgence » -------------------------------------------------


def test_a_volunteer_ticks_and_unticks_emergency_availability_in_one_click(
    volunteer_client, orleans_volunteer, loiret
):
    _start(loiret)
    url = reverse("volunteers:emergency")
    page = _page(volunteer_client, "loiret.localhost", "/gestes/")
    assert 'name="disponible" value="oui"' in page  # from the banner, signed in
    response = volunteer_client.post(
        url, {"disponible": "oui", "retour": "/gestes/"}, HTTP_HOST="loiret.localhost"
    )
    assert response.status_code == 302 and response.url == "/gestes/"
    orleans_volunteer.refresh_from_db()
    since = orleans_volunteer.emergency_available_at
    assert since is not None
    page = _page(volunteer_client, "loiret.localhost", "/gestes/")
    assert "Vous êtes disponible en cas d'urgence." in page
    assert 'name="disponible" value="non"' in page
    volunteer_client.post(url, {"disponible": "oui"}, HTTP_HOST="loiret.localhost")
    orleans_volunteer.refresh_from_db()
    assert orleans_volunteer.emergency_available_at == since  # the first date stays
    response = volunteer_client.post(
        url, {"disponible": "non", "retour": "https://ailleurs.example.com/"}
    )
    assert response.url == reverse("volunteers:dashboard")  # never to another site
    orleans_volunteer.refresh_from_db()
    assert orleans_volunteer.emergency_available_at is None


def test_the_volunteer_space_offers_it_without_a_crisis(volunteer_client, orleans_volunteer):
    dashboard = volunteer_client.get(reverse("volunteers:dashboard")).content.decode()
    assert "En cas d'urgence" in dashboard and 'name="disponible" value="oui"' in dashboard
    assert "autorisez-la aussi à vous contacter" in dashboard  # no consent yet
    page = volunteer_client.get(reverse("volunteers:emergency"))
    assert page.status_code == 200
    orleans_volunteer.refresh_from_db()
    assert orleans_volunteer.emergency_available_at is None  # opening the page changes nothing


def test_a_bad_answer_changes_nothing(volunteer_client, orleans_volunteer):
    response = volunteer_client.post(reverse("volunteers:emergency"), {"disponible": "peut-être"})
    assert response.status_code == 302
    orleans_volunteer.refresh_from_db()
    assert orleans_volunteer.emergency_available_at is None
    page = volunteer_client.get(response.url).content.decode()
    assert "Choisissez « disponible » ou « plus disponible »." in page


def test_a_visitor_is_asked_to_sign_in_first(client, loiret):
    _start(loiret)
    page = _page(client, "loiret.localhost")
    url = reverse("volunteers:emergency")
    assert f'href="{url}">Je suis disponible en cas d\'urgence</a>' in page
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert client.post(url, {"disponible": "oui"}).status_code == 302


def test_staff_see_how_many_volunteers_are_available(client, loiret, loiret_agent, orleans_commune):
    VolunteerFactory(commune=orleans_commune, emergency_available_at=timezone.now())
    VolunteerFactory(commune=orleans_commune, emergency_available_at=timezone.now())
    VolunteerFactory(commune=orleans_commune)
    crisis = _start(loiret)
    client.force_login(loiret_agent)
    page = client.get(reverse("admin:mobilisation_crisis_change", args=[crisis.pk]))
    assert "2 volontaires se sont dits disponibles dans le Loiret" in page.content.decode()


# --- Queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/gestes/", "/outils/"])
def test_a_crisis_costs_a_constant_number_of_queries(
    client, national, loiret, orleans, path, django_assert_max_num_queries
):
    """The banner costs one query with or without a crisis (the home page's kits one more,
    the toolbox's kits one, the gestes two), however many crises concern the portal."""
    for _n in range(3):
        GesteFactory(themes=[Theme.objects.get(slug="personnes-agees")])
    client.get(path, HTTP_HOST="orleans.localhost")  # the host map, the counters: then kept
    with django_assert_max_num_queries(100) as quiet:
        _page(client, "orleans.localhost", path)
    _start(orleans)
    with django_assert_max_num_queries(100) as one:
        _page(client, "orleans.localhost", path)
    _start(loiret, kind=Crisis.Kind.FLOOD)
    _start(national, kind=Crisis.Kind.EPIDEMIC)
    for _n in range(5):
        GesteFactory(themes=[Theme.objects.get(slug="personnes-agees")])
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = _page(client, "orleans.localhost", path)
    assert page.count('class="crisis-banner"') == 1 and "Épidémie en France" in page
    extra = {"/": 1, "/gestes/": 2, "/outils/": 1}[path]
    assert len(one.captured_queries) == len(quiet.captured_queries) + extra


def test_a_volunteer_s_answer_comes_in_the_banner_s_one_query(
    volunteer_client, orleans_volunteer, loiret, django_assert_max_num_queries
):
    volunteer_client.get("/appel/", HTTP_HOST="loiret.localhost")
    with django_assert_max_num_queries(100) as quiet:
        _page(volunteer_client, "loiret.localhost", "/appel/")
    _start(loiret)
    with django_assert_max_num_queries(len(quiet.captured_queries) + 1):
        page = _page(volunteer_client, "loiret.localhost", "/appel/")
    assert 'name="disponible" value="oui"' in page


def test_a_stopped_crisis_page_names_people_and_offers_nothing_more(client, orleans, orleans_agent):
    """Audit 7: once stopped, no « vous pouvez arrêter avant ou prolonger »; who started and
    stopped it by their names, as the page's summary says it, never an email beside a name."""
    orleans_agent.first_name, orleans_agent.last_name = "Odile", "Perrin"
    orleans_agent.save()
    crisis = _start(orleans, by=orleans_agent)
    client.force_login(orleans_agent)
    change = reverse("admin:mobilisation_crisis_change", args=[crisis.pk])
    running = client.get(change).content.decode()
    assert "vous pouvez arrêter avant ou prolonger" in running  # she still can
    assert "Odile Perrin" in running and orleans_agent.email not in running.split("<main")[-1]

    client.post(reverse("admin:mobilisation_crisis_end", args=[crisis.pk]))
    ended = client.get(change).content.decode()
    assert "Mode crise arrêté" in ended
    assert "vous pouvez arrêter avant ou prolonger" not in ended
    assert "Pour le prolonger" not in ended
    assert ended.count("Odile Perrin") >= 3  # the summary, « déclenchée par », « arrêtée par »
    assert orleans_agent.email not in ended.split("<main")[-1]
