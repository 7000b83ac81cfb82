"""« Fichiers à télécharger »: staff and élus ask for an export of their territory in the admin;
it is prepared by Celery, its progress shown, then downloaded — respecting consent, scoping and
the élus' limits, with formulas neutralised in CSV and XLSX."""

import csv
import datetime
import io
import json
import os
import subprocess
import threading
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessRecord
from heurecivique.months import add_months, first_of_month
from pilotage import aggregates, exports
from pilotage.models import Export, MonthFigures, export_storage
from pilotage.periods import Period
from pilotage.tasks import prepare_export
from volunteers.models import Volunteer

from ..factories import CivicHourFactory, CommuneFactory, MissionFactory, VolunteerFactory
from ..test_html_validity import VNU
from ..worker import wait_for
from .test_report import text_of

LIST = reverse("admin:pilotage_export_changelist")
ADD = reverse("admin:pilotage_export_add")
FOLLOWED = LIST + "?suivre=1"
MONTH = first_of_month(timezone.localdate())
LAST_MONTH = add_months(MONTH, -1)
CONSENTED = timezone.now() - datetime.timedelta(days=30)


def download_url(export) -> str:
    return reverse("admin:pilotage_export_download", args=[export.pk])


def figures(commune, month, minutes, **counts):
    return MonthFigures.objects.create(
        month=month,
        commune=commune,
        department=commune.department,
        minutes=minutes,
        computed_at=timezone.now(),
        **counts,
    )


def ask(client, territory, kind, fmt="csv", start="", end="", **more):
    data = {"kind": kind, "format": fmt, "territory": territory.pk, "start": start, "end": end}
    return client.post(ADD, data | more)


def ask_and_prepare(client, django_capture_on_commit_callbacks, *args, **kwargs) -> Export:
    """Ask in the admin; the task queued on commit runs in-process (Celery eager)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, *args, **kwargs)
    assert response.status_code == 302, response.content.decode()
    return Export.objects.latest("pk")


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def hours_in_the_last_quarter(orleans_commune, bordeaux_commune) -> Period:
    """Orléans: 3 hours in the last quarter; Bordeaux: 5; counted into the aggregates."""
    quarter = Period.last_quarter(timezone.localdate())
    CivicHourFactory(volunteer__commune=orleans_commune, done_on=quarter.start, minutes=180)
    CivicHourFactory(volunteer__commune=bordeaux_commune, done_on=quarter.start, minutes=300)
    aggregates.count_all()
    return quarter


def read_xlsx(response):
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return book.active


@pytest.fixture
def agent_client(client, loiret_agent):
    client.force_login(loiret_agent)
    return client


@pytest.fixture
def volunteers(orleans_commune, bordeaux_commune):
    """In Orléans, Agathe agreed to be contacted and Bastien did not; in Bordeaux, Gaëlle did."""
    agathe = VolunteerFactory(
        commune=orleans_commune,
        user__first_name="Agathe",
        user__last_name="Durand",
        user__email="agathe@example.org",
        quartier='=HYPERLINK("http://example.org";"clic")',
        contact_consent_at=CONSENTED,
    )
    bastien = VolunteerFactory(
        commune=orleans_commune,
        user__first_name="Bastien",
        user__email="bastien@example.org",
    )
    gaelle = VolunteerFactory(
        commune=bordeaux_commune,
        user__first_name="Gaëlle",
        user__email="gaelle@example.org",
        contact_consent_at=CONSENTED,
    )
    return agathe, bastien, gaelle


# --- Asking, preparing, downloading ------------------------------------------------------------


def test_an_officer_gets_the_hours_of_her_communes_by_month_and_none_of_another_department(
    agent_client, django_capture_on_commit_callbacks, loiret, orleans_commune, bordeaux_commune
):
    olivet = CommuneFactory(insee_code="45232", name="Olivet", department=loiret.department)
    figures(orleans_commune, LAST_MONTH, 150 * 60 + 59, active=40, engaged=55, missions_done=3)
    figures(olivet, LAST_MONTH, 600, active=4, engaged=6)
    figures(orleans_commune, add_months(MONTH, -6), 60)  # before the period
    figures(bordeaux_commune, LAST_MONTH, 9000, active=70)

    period = f"{LAST_MONTH:%m/%Y}"
    export = ask_and_prepare(
        agent_client, django_capture_on_commit_callbacks, loiret, "hours", "csv", period, period
    )

    assert export.status == Export.Status.READY
    assert (export.done, export.total) == (2, 2)
    page = agent_client.get(LIST).content.decode()
    assert "Heures par mois et par commune" in page
    assert download_url(export) in page
    assert "Suivre la préparation" not in page  # nothing being prepared
    response = agent_client.get(download_url(export))
    assert response["Content-Disposition"] == (
        f'attachment; filename="heures-loiret-{LAST_MONTH:%Y-%m}_{LAST_MONTH:%Y-%m}.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    rows = read_csv(response)
    assert rows[0][:5] == ["Mois", "Département", "Code INSEE", "Commune", "Heures données"]
    assert [row[2:5] for row in rows[1:]] == [
        ["45232", "Olivet", "10"],
        ["45234", "Orléans", "150"],
    ]
    assert rows[2][0] == f"{LAST_MONTH:%m/%Y}"
    assert rows[2][6:8] == ["40", "55"]
    assert "Bordeaux" not in str(rows)


def test_the_volunteers_file_holds_only_those_who_consented_in_the_territory_in_csv_and_xlsx(
    agent_client, django_capture_on_commit_callbacks, loiret, volunteers
):
    agathe, _bastien, _gaelle = volunteers

    for fmt in ("csv", "xlsx"):
        export = ask_and_prepare(
            agent_client, django_capture_on_commit_callbacks, loiret, "volunteers", fmt
        )
        response = agent_client.get(download_url(export))
        assert response.status_code == 200
        if fmt == "csv":
            rows = read_csv(response)
        else:
            sheet = read_xlsx(response)
            rows = [[c if c is not None else "" for c in row] for row in sheet.values]
        assert rows[0][:4] == ["Prénom", "Nom", "Adresse électronique", "Commune"]
        assert [row[:4] for row in rows[1:]] == [
            ["Agathe", "Durand", "agathe@example.org", "Orléans"]
        ]
        # The formula a volunteer typed as their quartier stays text.
        assert rows[1][4] == '\'=HYPERLINK("http://example.org";"clic")'
        assert rows[1][9] == f"{timezone.localtime(CONSENTED):%d/%m/%Y %H:%M}"

    # Each download of a list of people is logged, for the national team.
    assert AccessRecord.objects.filter(action=AccessRecord.Action.EXPORT).count() == 2


def test_the_xlsx_has_a_bold_header_column_widths_and_no_formula(
    agent_client, django_capture_on_commit_callbacks, loiret, orleans_commune
):
    MissionFactory(commune=orleans_commune, title="=1+2", quartier="@SUM(A1)",
                   starts_at=timezone.now() - datetime.timedelta(days=2))  # fmt: skip
    export = ask_and_prepare(
        agent_client, django_capture_on_commit_callbacks, loiret, "missions", "xlsx",
        f"{MONTH:%m/%Y}" if timezone.localdate().day > 2 else f"{LAST_MONTH:%m/%Y}",
        f"{MONTH:%m/%Y}",
    )  # fmt: skip
    sheet = read_xlsx(agent_client.get(download_url(export)))
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Date", "Titre", "Type"]
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width == 40
    assert sheet.freeze_panes == "A2"
    title, quartier = sheet["B2"], sheet["E2"]
    assert (title.value, quartier.value) == ("'=1+2", "'@SUM(A1)")
    assert title.data_type == quartier.data_type == "s"  # strings, not formulas
    assert sheet["C2"].value == "Entre voisins"


def test_running_an_export_twice_leaves_one_file_and_the_same_rows(
    db, loiret, loiret_agent, volunteers
):
    export = Export.objects.create(
        kind="volunteers", format="csv", territory=loiret, requested_by=loiret_agent
    )
    assert exports.prepare(export.pk)
    # Redelivered after the file was made: a ready export is left as it is.
    assert not prepare_export(export.pk)
    # A worker that died mid-way leaves its row running: the task given again starts over.
    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING, done=1)
    assert exports.prepare(export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.READY and export.done == 1
    assert os.listdir(export_storage.path(str(export.pk))) == [export.file_name()]


def test_a_file_left_by_a_dead_worker_can_be_asked_again_from_the_list(
    agent_client, loiret, loiret_agent
):
    stalled = Export.objects.create(
        kind="hours", format="xlsx", territory=loiret, requested_by=loiret_agent,
        start=LAST_MONTH, end=LAST_MONTH, status=Export.Status.RUNNING, done=300, total=900,
        updated_at=timezone.now() - datetime.timedelta(hours=1),
    )  # fmt: skip
    page = agent_client.get(LIST).content.decode()
    assert "La préparation s&#x27;est arrêtée avant la fin." in page
    assert "Suivre la préparation" not in page
    again = f"{ADD}?kind=hours&amp;format=xlsx&amp;territory={loiret.pk}"
    assert again in page
    form = agent_client.get(f"{ADD}?kind=hours&format=xlsx&territory={loiret.pk}"
                            f"&start={LAST_MONTH:%m/%Y}&end={LAST_MONTH:%m/%Y}")  # fmt: skip
    assert form.context["adminform"].form.initial["start"] == f"{LAST_MONTH:%m/%Y}"
    assert stalled.is_stalled


def test_the_list_reloads_itself_only_when_asked_and_while_a_file_is_being_prepared(
    agent_client, loiret, loiret_agent
):
    export = Export.objects.create(
        kind="hours", format="csv", territory=loiret, requested_by=loiret_agent,
        status=Export.Status.RUNNING, done=250, total=1000,
    )  # fmt: skip
    page = agent_client.get(LIST).content.decode()
    # A page that changes by itself is a time limit: the person turns it on (WCAG 2.2.1).
    assert "http-equiv" not in page
    assert '<a href="?suivre=1">Suivre la préparation</a>' in page
    assert 'max="1000" value="250"' in page
    assert "En préparation : 25 % (250 lignes sur 1\xa0000)" in page

    page = agent_client.get(LIST + "?suivre=1").content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert '<a href="?">Arrêter la mise à jour automatique</a>' in page

    Export.objects.filter(pk=export.pk).update(status=Export.Status.FAILED, error="Panne.")
    page = agent_client.get(LIST + "?suivre=1").content.decode()
    assert "http-equiv" not in page and "Suivre la préparation" not in page
    assert "Panne." in page


def test_an_elected_official_asks_for_the_bilan_of_last_quarter_and_reads_it(
    client, django_capture_on_commit_callbacks, loiret_elected, loiret, orleans_commune,
    bordeaux_commune,
):  # fmt: skip
    quarter = hours_in_the_last_quarter(orleans_commune, bordeaux_commune)
    client.force_login(loiret_elected)
    form = client.get(ADD).content.decode()
    assert '<option value="bilan">' in form

    export = ask_and_prepare(
        client, django_capture_on_commit_callbacks, loiret, "bilan", "pdf",
        f"{quarter.start:%m/%Y}", f"{quarter.end:%m/%Y}",
    )  # fmt: skip
    assert (export.status, export.done, export.total) == (Export.Status.READY, 1, 1)
    page = client.get(LIST).content.decode()
    assert f"Le bilan de l&#x27;Heure Civique (pour le conseil) — {quarter.label}" in page
    response = client.get(download_url(export))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="bilan-loiret-{quarter.slug}.pdf"'
    )
    text = text_of(b"".join(response.streaming_content))
    assert "Le bilan de l'Heure Civique dans le Loiret" in text
    assert "3 heures données" in text
    assert "Bordeaux" not in text


# --- Who may ask for what ----------------------------------------------------------------------


def test_a_gironde_officer_can_neither_download_nor_ask_for_a_loiret_file(
    client, django_capture_on_commit_callbacks, loiret_agent, gironde_agent, loiret, gironde,
    orleans_commune,
):  # fmt: skip
    client.force_login(loiret_agent)
    loiret_file = ask_and_prepare(client, django_capture_on_commit_callbacks, loiret, "hours")
    assert client.get(download_url(loiret_file)).status_code == 200

    client.force_login(gironde_agent)
    assert client.get(download_url(loiret_file)).status_code == 404
    assert download_url(loiret_file) not in client.get(LIST).content.decode()
    response = ask(client, loiret, "hours")
    assert response.status_code == 200
    assert "Choisissez un de vos territoires" in response.content.decode()
    assert Export.objects.count() == 1
    # The form offers her own territory only.
    territories = response.context["adminform"].form.fields["territory"].queryset
    assert list(territories) == [gironde]


def test_an_elected_official_asks_for_figures_but_never_for_the_volunteers_list(
    client, django_capture_on_commit_callbacks, loiret_elected, loiret_agent, loiret, volunteers
):
    client.force_login(loiret_agent)
    agents_file = ask_and_prepare(client, django_capture_on_commit_callbacks, loiret, "volunteers")

    client.force_login(loiret_elected)
    form = client.get(ADD).content.decode()
    assert '<option value="hours">Heures par mois et par commune</option>' in form
    assert '<option value="volunteers"' not in form
    response = ask(client, loiret, "volunteers")
    assert response.status_code == 200
    assert "réservée aux agents de la mairie ou du département" in response.content.decode()
    assert Export.objects.count() == 1
    # Nor the list an agent asked for.
    assert client.get(download_url(agents_file)).status_code == 404
    agents_page = reverse("admin:pilotage_export_change", args=[agents_file.pk])
    assert client.get(agents_page).url == reverse("admin:index")
    assert download_url(agents_file) not in client.get(LIST).content.decode()

    figures_file = ask_and_prepare(client, django_capture_on_commit_callbacks, loiret, "missions")
    assert figures_file.status == Export.Status.READY
    assert client.get(download_url(figures_file)).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "beneficiaires"}, "Choisissez un contenu de la liste."),
        ({"format": "ods"}, "Choisissez CSV, XLSX ou, pour le bilan, PDF."),
        ({"format": "pdf"}, "Seul le bilan est un PDF : pour ce fichier, choisissez CSV"),
        (
            {"kind": "bilan", "format": "csv", "start": "01/2026", "end": "03/2026"},
            "Le bilan se télécharge en PDF.",
        ),
        ({"kind": "bilan", "format": "pdf"}, "Choisissez la période du bilan"),
        ({"start": "09/2025", "end": "03/2025"}, "Le premier mois est après le dernier"),
        ({"start": "03/2025"}, "Indiquez le premier et le dernier mois"),
        ({"start": "13/2025", "end": "12/2025"}, "Indiquez un mois sous la forme 11/2026."),
        ({"start": "01/2000", "end": "12/2000"}, "Les chiffres sont gardés pour les 36 derniers"),
        ({"start": "01/2990", "end": "02/2990"}, "Cette période n&#x27;est pas encore passée"),
        (
            {"kind": "volunteers", "start": "01/2026", "end": "02/2026"},
            "La liste des volontaires n&#x27;a pas de période",
        ),
    ],
)
def test_bad_requests_are_answered_in_french_and_create_nothing(
    agent_client, loiret, data, message
):
    fields = {"kind": "hours", "format": "csv", "territory": loiret.pk} | data
    response = agent_client.post(ADD, fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Export.objects.exists()


def test_a_forged_territory_number_is_refused(agent_client, gironde):
    response = ask(agent_client, gironde, "hours")
    assert "Choisissez un de vos territoires" in response.content.decode()
    response = agent_client.post(ADD, {"kind": "hours", "format": "csv", "territory": "²"})
    assert response.status_code == 200
    assert not Export.objects.exists()


def test_the_list_costs_the_same_queries_for_3_files_or_20(
    agent_client, loiret, loiret_agent, django_assert_max_num_queries
):
    def make(count):
        for n in range(count):
            status = list(Export.Status)[n % 4]
            Export.objects.create(
                kind=list(Export.Kind)[n % 3], format="csv", territory=loiret,
                requested_by=loiret_agent, status=status, done=n, total=20,
            )  # fmt: skip

    make(3)
    agent_client.get(LIST)  # sessions, caches
    with django_assert_max_num_queries(12) as few:
        assert agent_client.get(LIST).status_code == 200
    make(17)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = agent_client.get(LIST)
    assert page.content.decode().count("<tr") == 21


def test_files_older_than_a_week_are_deleted_with_their_folder(db, loiret, loiret_agent):
    old = Export.objects.create(
        kind="hours", format="csv", territory=loiret,
        created_at=timezone.now() - datetime.timedelta(days=8),
    )  # fmt: skip
    recent = Export.objects.create(kind="hours", format="csv", territory=loiret)
    assert exports.prepare(old.pk) and exports.prepare(recent.pk)
    old_folder = export_storage.path(str(old.pk))
    # Its folder was written long ago too.
    week_ago = (timezone.now() - datetime.timedelta(days=8)).timestamp()
    os.utime(old_folder, (week_ago, week_ago))

    assert exports.delete_old() == 1
    assert not os.path.exists(old_folder)
    assert Export.objects.get().pk == recent.pk
    assert os.path.exists(export_storage.path(Export.objects.get().file.name))


# --- Through a real worker ---------------------------------------------------------------------

pytest_worker = pytest.mark.skipif(
    not settings.REDIS_URL
    or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL), as CI has",
)


def make_consenting(commune, count):
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(email=f"v{n:05d}@example.org", first_name=f"V{n}", last_name="Long")
         for n in range(count)]
    )  # fmt: skip
    Volunteer.objects.bulk_create(
        [Volunteer(user=user, commune=commune, contact_consent_at=CONSENTED) for user in users]
    )


class RowHolder:
    """Another transaction holding the export's row: the worker's next progress UPDATE waits
    for it, in the order PostgreSQL queued them."""

    def __init__(self, pk):
        self.held, self._release = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._hold, args=(pk,))
        self._thread.start()

    def _hold(self, pk):
        try:
            with transaction.atomic():
                Export.objects.select_for_update().get(pk=pk)
                self.held.set()
                self._release.wait(60)
        finally:
            connection.close()

    def let_go(self):
        self._release.set()
        self._thread.join()


def waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def progress_of(export) -> dict:
    return Export.objects.values("status", "done", "total").get(pk=export.pk)


@pytest_worker
def test_a_long_export_shows_its_progress_moving_then_its_link_through_a_real_worker(
    worker, client, national, loiret_agent, loiret, orleans_commune, monkeypatch
):
    make_consenting(orleans_commune, 2000)
    monkeypatch.setenv("EXPORT_PROGRESS_EVERY", "100")
    client.force_login(loiret_agent)
    response = ask(client, loiret, "volunteers", "xlsx")
    assert response.status_code == 302
    export = Export.objects.get()

    # The row held from the start, the worker waits to say it began; each holder queued behind
    # it then stops the worker at its next progress update, where the page shows it.
    holders = [RowHolder(export.pk)]
    try:
        assert holders[0].held.wait(10)
        worker().start()
        wait_for(lambda: waiting_on_a_lock() == 1, 60, "the worker waits to start")
        page = client.get(FOLLOWED).content.decode()
        assert "En attente d'un préparateur" in page
        assert '<meta http-equiv="refresh" content="3">' in page

        seen = []
        for _step in range(2):
            wait_for(lambda: waiting_on_a_lock() == 1, 30, "the worker waits on the row")
            holders.append(RowHolder(export.pk))
            wait_for(lambda: waiting_on_a_lock() == 2, 10, "the next holder queued")
            holders[-2].let_go()
            assert holders[-1].held.wait(30)
            state = progress_of(export)
            page = client.get(FOLLOWED).content.decode()
            assert state["status"] == Export.Status.RUNNING
            assert f'max="2000" value="{state["done"]}"' in page
            assert '<meta http-equiv="refresh" content="3">' in page
            assert download_url(export) not in page
            seen.append(state["done"])
        assert seen == [0, 100]
    finally:
        for holder in holders:
            holder.let_go()

    wait_for(lambda: progress_of(export)["status"] == Export.Status.READY, 60, "the file is ready")
    page = client.get(FOLLOWED).content.decode()
    assert download_url(export) in page
    assert "refresh" not in page
    sheet = read_xlsx(client.get(download_url(export)))
    assert sheet.max_row == 2001
    assert progress_of(export) == {"status": "ready", "done": 2000, "total": 2000}


@pytest_worker
def test_the_bilan_is_made_by_a_real_worker(
    worker, client, national, loiret_elected, loiret, orleans_commune, bordeaux_commune
):
    quarter = hours_in_the_last_quarter(orleans_commune, bordeaux_commune)
    client.force_login(loiret_elected)
    response = ask(client, loiret, "bilan", "pdf", f"{quarter.start:%m/%Y}", f"{quarter.end:%m/%Y}")
    assert response.status_code == 302
    export = Export.objects.get()
    assert "En attente d'un préparateur" in client.get(FOLLOWED).content.decode()

    worker().start()
    wait_for(lambda: progress_of(export)["status"] == Export.Status.READY, 60, "the bilan is ready")
    page = client.get(FOLLOWED).content.decode()
    assert download_url(export) in page and "refresh" not in page
    text = text_of(b"".join(client.get(download_url(export)).streaming_content))
    assert f"{quarter.label[0].upper()}{quarter.label[1:]}" in text
    assert "3 heures données" in text


def test_the_pages_are_valid_html(agent_client, loiret, loiret_agent, tmp_path, volunteers):
    assert VNU, "vnu.jar is missing: `make test` installs it (npm package vnu-jar)"
    for status in Export.Status:
        export = Export.objects.create(
            kind="volunteers", format="xlsx", territory=loiret, requested_by=loiret_agent,
            status=status, done=10, total=40,
        )  # fmt: skip
    exports.prepare(export.pk)
    pages = {
        "liste": agent_client.get(LIST),
        "liste suivie": agent_client.get(FOLLOWED),
        "demande": agent_client.get(ADD),
        "demande avec erreurs": agent_client.post(ADD, {"kind": "bilan", "start": "13/2026"}),
        "fiche": agent_client.get(reverse("admin:pilotage_export_change", args=[export.pk])),
    }
    assert download_url(export) in pages["fiche"].content.decode()
    assert 'http-equiv="refresh"' in pages["liste suivie"].content.decode()
    for number, (name, page) in enumerate(pages.items()):
        assert page.status_code == 200, name
        (tmp_path / f"{number}.html").write_bytes(page.content)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    names = list(pages)
    errors = [
        f"{names[int(Path(m['url']).stem)]}, ligne {m.get('lastLine')} : {m['message']}"
        for m in json.loads(result.stderr or result.stdout)["messages"]
    ]
    assert errors == []


@pytest_worker
def test_a_worker_killed_mid_file_leaves_the_export_to_the_next_one_and_a_single_file(
    worker, client, national, loiret_agent, loiret, orleans_commune, monkeypatch
):
    make_consenting(orleans_commune, 500)
    monkeypatch.setenv("EXPORT_PROGRESS_EVERY", "100")
    client.force_login(loiret_agent)
    assert ask(client, loiret, "volunteers", "csv").status_code == 302
    export = Export.objects.get()

    # The first worker is stopped at its first progress update, 100 rows written, and killed.
    holders = [RowHolder(export.pk)]
    try:
        assert holders[0].held.wait(10)
        first = worker(concurrency=1)
        first.start()
        wait_for(lambda: waiting_on_a_lock() == 1, 60, "the worker waits to start")
        holders.append(RowHolder(export.pk))
        wait_for(lambda: waiting_on_a_lock() == 2, 10, "the next holder queued")
        holders[0].let_go()
        assert holders[1].held.wait(30)
        wait_for(lambda: waiting_on_a_lock() == 1, 30, "the worker waits after 100 rows")
        first.kill()
    finally:
        for holder in holders:
            holder.let_go()
    # (Its last UPDATE, already sent, may have gone through after the kill.)
    stopped = progress_of(export)
    assert stopped["status"] == "running" and stopped["done"] in (0, 100)
    folder = export_storage.path(str(export.pk))
    assert [name.startswith(exports.PARTIAL) for name in os.listdir(folder)] == [True]

    # The task comes back from Redis to the next worker, which starts over.
    worker().start()
    wait_for(lambda: progress_of(export)["status"] == "ready", 60, "the export done again")
    assert progress_of(export) == {"status": "ready", "done": 500, "total": 500}
    assert os.listdir(folder) == [export.file_name()]
    rows = read_csv(client.get(download_url(export)))
    assert len(rows) == 501 and len({row[2] for row in rows[1:]}) == 500
