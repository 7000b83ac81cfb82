import re

import pytest
from django.urls import reverse
from PIL import Image

from gestes.models import Theme
from initiatives.models import Initiative, InterestMessage
from territories.models import Membership

from ..factories import InitiativeFactory, UserFactory, enrol_in_two_factor

PROPOSE = reverse("initiatives:propose")
CHANGELIST = reverse("admin:initiatives_initiative_changelist")


def _form(**fields):
    return {
        "title": "Le potager des Chartrons",
        "summary": "Un potager partagé entre voisins.",
        "body": "Des voisins cultivent ensemble.",
        "commune_query": "33000",
        "run_by": "Collectif du potager",
        "place": "Rue Notre-Dame",
        "frequency": "hebdo",
        "schedule": "le samedi matin",
        "how_to_join": "Venez le samedi.",
        "themes": [Theme.objects.get(slug="environnement").pk],
        "form-TOTAL_FORMS": "0",
        "form-INITIAL_FORMS": "0",
        **fields,
    }


@pytest.fixture
def gironde_moderator(gironde):
    user = UserFactory(email="moderation@gironde.example.org")
    Membership.objects.create(user=user, territory=gironde, role=Membership.Role.MODERATOR)
    enrol_in_two_factor(user)
    return user


def test_submit_moderate_and_show_on_the_right_portals(
    client, resident, loiret, gironde, national, bordeaux_commune, loiret_agent,
    gironde_moderator, smtp_server, django_capture_on_commit_callbacks, portal_client,
):  # fmt: skip
    # A resident on the Loiret portal presents an initiative in Bordeaux…
    client.force_login(resident)
    response = portal_client("loiret").post(PROPOSE, _form())
    assert response.status_code == 302
    initiative = Initiative.objects.get(organiser=resident)
    assert initiative.status == Initiative.Status.PROPOSED
    detail = reverse("initiatives:detail", args=[initiative.slug])
    assert portal_client("gironde").get(detail).status_code == 404

    # …it waits for the Gironde moderators, not the Loiret ones.
    client.force_login(loiret_agent)
    assert initiative.title not in client.get(CHANGELIST).content.decode()
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [initiative.pk]})
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.PROPOSED

    client.force_login(gironde_moderator)
    assert initiative.title in client.get(CHANGELIST).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "publish", "_selected_action": [initiative.pk]})
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.PUBLISHED
    assert smtp_server.messages[0]["To"] == resident.email

    assert portal_client("gironde").get(detail).status_code == 200
    assert client.get(detail).status_code == 200  # the national portal shows all
    assert portal_client("loiret").get(detail).status_code == 404
    listing = portal_client("loiret").get(reverse("initiatives:list"))
    assert initiative not in listing.context["initiatives"]


def test_a_loiret_moderator_cannot_touch_a_gironde_initiative(
    client, loiret_agent, bordeaux_commune
):
    initiative = InitiativeFactory(commune=bordeaux_commune)
    client.force_login(loiret_agent)
    change = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    assert client.get(change).status_code == 302
    client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [initiative.pk]})
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.PUBLISHED


def test_a_rejection_tells_the_author_why(
    client, gironde_moderator, bordeaux_commune, smtp_server, django_capture_on_commit_callbacks
):
    initiative = InitiativeFactory(commune=bordeaux_commune, status=Initiative.Status.PROPOSED)
    client.force_login(gironde_moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "reject", "_selected_action": [initiative.pk],
                                 "apply": "1", "reason": "Il manque le lieu exact."})  # fmt: skip
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.REJECTED
    body = smtp_server.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "Il manque le lieu exact." in body


def test_html_in_the_fields_is_shown_as_text(client, resident, bordeaux_commune, national):
    script = "<script>alert('x')</script>"
    initiative = InitiativeFactory(commune=bordeaux_commune, title=f"Fête {script}",
                                   body=script, place=script, schedule=script)  # fmt: skip
    page = client.get(reverse("initiatives:detail", args=[initiative.slug])).content.decode()
    assert script not in page
    assert "&lt;script&gt;" in page


def test_the_interest_message_reaches_the_organiser_without_exposing_addresses(
    client, resident, bordeaux_commune, national, smtp_server, django_capture_on_commit_callbacks
):
    organiser = UserFactory(email="organisatrice@association.example.org")
    initiative = InitiativeFactory(commune=bordeaux_commune, organiser=organiser)
    detail = reverse("initiatives:detail", args=[initiative.slug])
    client.force_login(resident)
    page = client.get(detail).content.decode()
    assert organiser.email not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("initiatives:interest", args=[initiative.slug]),
            {"message": "Bonjour, je peux venir samedi avec mes outils."},
        )
    assert response.status_code == 302
    assert organiser.email not in client.get(detail).content.decode()
    [message] = smtp_server.messages
    assert message["To"] == organiser.email
    assert message["Reply-To"] == resident.email
    assert resident.email not in message.get_body(preferencelist=("plain",)).get_content()
    assert "je peux venir samedi" in message.get_body(preferencelist=("plain",)).get_content()

    client.force_login(organiser)
    mine = client.get(reverse("initiatives:mine")).content.decode()
    assert "1 volontaire" in mine


def test_the_interest_message_is_bounded_and_rate_limited(client, resident, bordeaux_commune):
    initiative = InitiativeFactory(commune=bordeaux_commune)
    url = reverse("initiatives:interest", args=[initiative.slug])
    client.force_login(resident)
    response = client.post(url, {"message": "x" * 1001})
    assert response.status_code == 400
    assert "au plus 1000 caractères" in response.content.decode()
    for _n in range(10):
        assert client.post(url, {"message": ""}).status_code == 400
    for _n in range(10):
        assert client.post(url, {"message": "Je suis intéressée."}).status_code == 302
    response = client.post(url, {"message": "Encore moi."})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Encore moi." in page and "dans 1 heure" in page
    assert InterestMessage.objects.count() == 10


def test_writing_to_an_organiser_needs_an_account(client, bordeaux_commune):
    initiative = InitiativeFactory(commune=bordeaux_commune)
    response = client.post(
        reverse("initiatives:interest", args=[initiative.slug]), {"message": "Salut"}
    )
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert not InterestMessage.objects.exists()


def test_share_tags_and_image(client, bordeaux_commune, gironde, national):
    initiative = InitiativeFactory(commune=bordeaux_commune, title="Les veilleurs de l'été")
    page = client.get(reverse("initiatives:detail", args=[initiative.slug])).content.decode()
    assert '<meta property="og:title" content="Les veilleurs de l&#x27;été">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    image_url = re.search(r'<meta property="og:image" content="http://testserver([^"]+)">', page)
    response = client.get(image_url.group(1))
    assert response["Content-Type"] == "image/png"
    with Image.open(__import__("io").BytesIO(b"".join(response.streaming_content))) as image:
        assert image.size == (1200, 630)
        assert image.getpixel((10, 10)) == (122, 31, 61)  # the Gironde colour, #7a1f3d
    assert "facebook.com/sharer" in page and "<script" not in page.split("<body>")[1]


def test_near_me_shows_the_initiatives_of_my_department(
    client, resident, orleans_commune, bordeaux_commune, national
):
    from tests.factories import CommuneFactory, VolunteerFactory

    VolunteerFactory(user=resident, commune=orleans_commune)
    near = InitiativeFactory(
        commune=CommuneFactory(insee_code="45284", department=orleans_commune.department)
    )
    far = InitiativeFactory(commune=bordeaux_commune)
    client.force_login(resident)
    found = client.get(reverse("initiatives:list"), {"pres": "1"}).context["initiatives"]
    assert near in found and far not in found


def test_list_and_detail_cost_the_same_with_more_initiatives(
    client, bordeaux_commune, national, django_assert_max_num_queries
):
    def queries(path):
        with django_assert_max_num_queries(40) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    first = InitiativeFactory(commune=bordeaux_commune)
    detail = reverse("initiatives:detail", args=[first.slug])
    client.get("/")  # the portal's host map, cached from then on
    before = (queries(reverse("initiatives:list")), queries(detail))
    for _n in range(30):
        InitiativeFactory(commune=bordeaux_commune)
    assert (queries(reverse("initiatives:list")), queries(detail)) == before


def test_the_showcase_search_takes_plurals_and_finds_nothing_for_wildcards(client, db):
    InitiativeFactory(title="Potager partagé de l'école Jean-Zay")
    listing = reverse("initiatives:list")
    assert client.get(listing, {"q": "ecoles"}).context["paginator"].count == 1
    assert client.get(listing, {"q": "%"}).context["paginator"].count == 0
    assert client.get(listing, {"q": "_"}).context["paginator"].count == 0


def test_the_showcase_finds_a_commune_typed_and_never_lists_every_commune(
    client, orleans_commune, bordeaux_commune, national
):
    InitiativeFactory(title="Potager d'Orléans", commune=orleans_commune)
    InitiativeFactory(title="Repair café bordelais", commune=bordeaux_commune)
    listing = reverse("initiatives:list")
    page = client.get(listing).content.decode()
    assert "Orléans</option>" not in page and 'name="commune_query"' in page
    found = client.get(listing, {"commune_query": "45000"})
    assert [i.title for i in found.context["initiatives"]] == ["Potager d'Orléans"]
    unknown = client.get(listing, {"commune_query": "Zzyzx"}).content.decode()
    assert "Aucune commune française ne correspond à « Zzyzx »" in unknown


def test_a_theme_filter_lists_an_initiative_once(client, national):
    from gestes.models import Theme

    themes = Theme.objects.all()[:2]
    initiative = InitiativeFactory(title="Jardin et lecture")
    initiative.themes.set(themes)
    for theme in themes:
        response = client.get(reverse("initiatives:list"), {"theme": theme.slug})
        assert [i.title for i in response.context["initiatives"]] == ["Jardin et lecture"]
