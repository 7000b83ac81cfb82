"""What the national dataset holds (issue 15), written with bulk SQL into an empty, migrated
database whose communes are loaded: bench/national.py builds it, see its docstring.

100,000 volunteers over 5,000 communes of every department (the Loiret, a pilot department,
holds a few thousand, Orléans several hundred), 1.2M hours over the last 24 months, 1.15M
follow-up emails, 1,000 initiatives, good practices, 10,000 signatures of the Appel, missions,
a portal for each department and for Orléans, and two staff personas with an authenticator app.
Everything derives from SEED: the same build gives the same rows (dates follow the day of the
build). Volunteers and their satellites are planned in Python and copied in (COPY); hours and
follow-up emails are expanded from that plan by INSERT … SELECT generate_series.
"""

import datetime
import json
import math
import random
import time

from django.db import connection
from django.utils import timezone

SEED = 15
VOLUNTEERS = 100_000
COMMUNES = 5_000
HOURS = 1_200_000
DELIVERIES = 1_150_000
INITIATIVES = 1_000
GOOD_PRACTICES = 60
SIGNATURES = 10_000
MISSIONS = 400
DAYS = 730  # the last 24 months

PASSWORD = "une-heure-par-mois"  # every account's, volunteers and staff
# The staff personas' authenticator app key (base32): bench/national.py computes the current
# code from it to sign in through the real pages, as staff would with their phone.
TOTP_SECRET = "NATIONALBENCHNATIONALBENCHNATION"
LOIRET_OFFICER = "loiret@national.test"
NATIONAL_ADMIN = "national@national.test"

LOIRET, ORLEANS = "45", "45234"
# The Loiret is a pilot department: this many times the volunteers its population would give.
LOIRET_BOOST = 4
ORLEANS_QUARTIERS = [
    "Centre-ville", "La Source", "Argonne", "Saint-Marceau", "Les Blossières", "Madeleine",
    "Dunois", "Saint-Marc",
]  # fmt: skip
FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Jade", "Louise", "Emma", "Alice",
    "Lucas", "Hugo", "Louis", "Nathan", "Gabriel", "Arthur", "Jules", "Paul", "Yanis", "Karim",
    "Nadia", "Sophie", "Martine", "Françoise", "Bernard", "Michel", "Jean", "Pierre", "Aïcha",
    "Thi Mai",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
    "François", "Martinez", "Nguyen", "Benali", "Da Silva",
]  # fmt: skip
INITIATIVE_KINDS = [
    ("Jardin partagé", "Un jardin partagé où chacun cultive et partage ses récoltes."),
    ("Repair café", "On répare ensemble petit électroménager, vélos et vêtements."),
    ("Épicerie solidaire", "Des bénévoles tiennent l'épicerie et livrent les voisins isolés."),
    ("Visites de convivialité", "Des visites régulières aux aînés qui vivent seuls."),
    ("Aide aux devoirs", "Des voisins accompagnent les écoliers après la classe."),
    ("Collecte alimentaire", "Une collecte chaque mois pour la banque alimentaire."),
    ("Café des aidants", "Un moment d'échange pour les proches aidants."),
    ("Permanence numérique", "Aide aux démarches en ligne et aux premiers pas sur ordinateur."),
    ("Boîte à livres", "Une boîte à livres entretenue par les voisins du quartier."),
    ("Jardin des voisins", "Un potager au pied des immeubles, ouvert à tous les voisins."),
    ("Nettoyage des berges", "Une matinée pour ramasser les déchets le long de la rivière."),
    ("Covoiturage solidaire", "Des conducteurs accompagnent ceux qui n'ont pas de voiture."),
]
MANDATES = [  # (mandate, share of the signatures)
    ("maire", 0.46), ("adjoint", 0.25), ("conseiller-municipal", 0.19),
    ("conseiller-departemental", 0.065), ("conseiller-regional", 0.015), ("depute", 0.012),
    ("senateur", 0.008),
]  # fmt: skip
COMMUNAL = {"maire", "adjoint", "conseiller-municipal"}


def build(*, log=print) -> None:
    """Fill the empty database Django is connected to; each step logs its time."""
    rng = random.Random(SEED)
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        # One process per statement keeps the order of random() calls, hence the rows, fixed.
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        cursor.execute("SELECT setseed(%s)", [SEED / 100])
    staff = create_staff(log)
    portals = create_portals()
    communes = choose_communes(rng)
    plan = create_volunteers(rng, communes, portals, today)
    log(f"{VOLUNTEERS:,} volunteers with accounts, pledges, interests and skills")
    create_hours(rng, plan)
    log(f"{HOURS:,} hours")
    create_deliveries(plan, today)
    log("follow-up emails")
    create_initiatives(rng, communes, staff)
    create_good_practices(rng, portals)
    create_signatures(rng, staff)
    create_missions(rng, communes, plan, staff)
    log("initiatives, good practices, signatures and missions")
    finish_dataset()
    log("finished (VACUUM ANALYZE)")


def finish_dataset() -> None:
    """What follows the bulk inserts: whatever the apps precompute from the rows is computed
    here, once they are all in: the planner's statistics, the portals' figures and the
    cockpit's aggregates of every month kept (what Celery beat keeps up to date in production;
    the nightly count_all is timed, as it runs over every hour of KEPT_MONTHS months)."""
    from pilotage import aggregates
    from volunteers import stats

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    stats.refresh()
    started = time.perf_counter()
    rows = aggregates.count_all()
    print(
        f"  the cockpit's aggregates (pilotage.aggregates.count_all): {rows:,} rows of "
        f"{aggregates.KEPT_MONTHS} months in {time.perf_counter() - started:.1f} s",
        flush=True,
    )


def copy(table: str, columns: list[str], rows) -> None:
    names = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor, cursor.copy(
        f"COPY {table} ({names}) FROM STDIN"
    ) as copying:  # fmt: skip
        for row in rows:
            copying.write_row(row)


def reset_sequence(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )


def moment(rng: random.Random, day: datetime.date) -> datetime.datetime:
    """A time of the day between 7:00 and 22:00, in Paris."""
    minutes = rng.randint(7 * 60, 22 * 60)
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(minutes=minutes)
    )


def create_staff(log) -> dict:
    """The Loiret's department officer and a national administrator, each with a verified
    address, a password and an authenticator app (TOTP_SECRET)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model

    from territories.models import Department, Membership, Territory

    loiret = Territory.objects.create(
        kind=Territory.Kind.DEPARTMENT,
        slug="loiret",
        name="Loiret",
        department=Department.objects.get(code=LOIRET),
        primary_color="#00587c",
        secondary_color="#f7c948",
    )
    staff = {}
    for email, first_name, territory, role in [
        (NATIONAL_ADMIN, "Nadia", Territory.objects.national(), Membership.Role.NATIONAL_ADMIN),
        (LOIRET_OFFICER, "Louis", loiret, Membership.Role.DEPARTMENT_OFFICER),
    ]:
        user = get_user_model().objects.create_user(email, PASSWORD, first_name=first_name)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        Membership.objects.create(user=user, territory=territory, role=role)
        TOTP.activate(user, TOTP_SECRET)
        staff[email] = user
    return staff


def create_portals() -> dict:
    """A portal for every department (the Loiret's exists) and one for Orléans: the commune's
    portal of each commune is that of its department, Orléans' its own."""
    from django.utils.text import slugify

    from territories.models import Commune, Department, Territory

    Territory.objects.bulk_create(
        [
            Territory(
                kind=Territory.Kind.DEPARTMENT, slug=slugify(d.name), name=d.name, department=d
            )  # fmt: skip
            for d in Department.objects.exclude(code=LOIRET).order_by("code")
        ]
    )
    orleans = Territory.objects.create(
        kind=Territory.Kind.COMMUNE,
        slug="orleans",
        name="Orléans",
        commune=Commune.objects.get(insee_code=ORLEANS),
        primary_color="#9b2c1f",
        secondary_color="#fde2c4",
    )
    by_department = dict(
        Territory.objects.filter(kind=Territory.Kind.DEPARTMENT).values_list("department_id", "pk")
    )
    return {"by_department": by_department, "orleans": orleans}


def choose_communes(rng: random.Random) -> list[tuple]:
    """5,000 communes of every department, the most populous of each and others drawn in
    proportion to their population; each with the weight of its share of volunteers.
    Rows: (id, insee code, department id, population, weight)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, insee_code, department_id, coalesce(population, 0) FROM territories_commune"
            " ORDER BY id"
        )
        rows = cursor.fetchall()
    chosen = set()
    by_department = {}
    for row in rows:
        by_department.setdefault(row[2], []).append(row)
    for communes in by_department.values():
        communes.sort(key=lambda row: -row[3])
        chosen.update(row[0] for row in communes[:3])
    # Weighted sampling without replacement (Efraimidis–Spirakis): the largest log(u)/w.
    keyed = sorted(
        (math.log(rng.random()) / max(row[3], 1), row[0]) for row in rows if row[0] not in chosen
    )
    chosen.update(pk for _key, pk in keyed[-(COMMUNES - len(chosen)) :])
    return [
        (*row, max(row[3], 50) ** 0.9 * (LOIRET_BOOST if row[1].startswith(LOIRET) else 1))
        for row in rows
        if row[0] in chosen
    ]


def create_volunteers(rng, communes, portals, today) -> list[tuple]:
    """The volunteers and their accounts, addresses, pledges, pauses, interests and skills;
    returns the plan of their hours and follow-up emails (see create_hours, create_deliveries)."""
    from django.contrib.auth.hashers import make_password

    from heurecivique.months import first_of_month, next_month, previous_month

    password = make_password(PASSWORD)
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM accounts_user")
        first_user = cursor.fetchone()[0] + 1
        cursor.execute("SELECT id FROM gestes_theme ORDER BY id")
        themes = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id FROM volunteers_skill ORDER BY id")
        skills = [row[0] for row in cursor.fetchall()]
    start = today - datetime.timedelta(days=DAYS)
    now = timezone.now()
    orleans = portals["orleans"]
    # At least one volunteer in each commune chosen, the others where people live.
    places = communes + rng.choices(
        communes, weights=[c[4] for c in communes], k=VOLUNTEERS - len(communes)
    )
    rng.shuffle(places)
    users, addresses, volunteers, pledges, pauses, interests, skill_rows, plan = (
        [] for _ in range(8)
    )
    for n, (commune_id, insee, department_id, _pop, _w) in enumerate(places):
        volunteer_id, user_id = n + 1, first_user + n
        # The programme grows: more sign-ups in the recent months than in the first ones.
        joined = start + datetime.timedelta(days=int(rng.random() ** 0.75 * DAYS))
        joined_at = moment(rng, joined)
        email = f"v{n:06d}@national.test"
        last_login = None
        if rng.random() < 0.7:
            last_login = joined_at + (now - joined_at) * rng.random()
        bounced = now if rng.random() < 0.003 else None
        users.append((user_id, password, last_login, False, email, rng.choice(FIRST_NAMES),
                      rng.choice(LAST_NAMES), True, False, joined_at, bounced))  # fmt: skip
        addresses.append((email, True, True, user_id))
        quartier = ""
        if insee == ORLEANS and rng.random() < 0.8:
            quartier = rng.choice(ORLEANS_QUARTIERS)
        availability = json.dumps(rng.sample(["semaine", "soirs", "week-end", "vacances"],
                                             rng.choice([0, 0, 1, 2, 3])))  # fmt: skip
        reminder_day = rng.randint(1, 28)
        consent = joined_at if rng.random() < 0.5 else None
        volunteers.append((volunteer_id, user_id, commune_id, quartier, availability,
                           reminder_day, rng.random() < 0.95, rng.random() < 0.85,
                           rng.random() < 0.95, True, consent, joined_at))  # fmt: skip
        if rng.random() < 0.4:
            interests += [(volunteer_id, t) for t in rng.sample(themes, rng.randint(1, 3))]
        if rng.random() < 0.25:
            skill_rows += [(volunteer_id, s) for s in rng.sample(skills, rng.randint(1, 3))]
        # A pledge running (80 %), stopped (12 %) or paused (8 %): hours and reminders stop then.
        state, ended_on, active_until = rng.random(), None, today
        if state >= 0.8:
            active_until = joined + datetime.timedelta(days=rng.randint(0, (today - joined).days))
            if state < 0.92:
                ended_on = active_until
            else:
                back = None
                if rng.random() < 0.25:
                    back = today + datetime.timedelta(days=rng.randint(5, 60))
                pauses.append((volunteer_id, active_until, back))
        pledges.append((volunteer_id, joined, ended_on))
        # Reminded every month after the month of sign-up, up to the last reminder day passed.
        last = first_of_month(active_until)
        if active_until.day <= reminder_day:
            last = previous_month(last)
        territory = orleans.pk if insee == ORLEANS else portals["by_department"][department_id]
        activity = rng.choice([0.05, 0.2, 0.5, 0.5, 0.8, 1.0, 1.0, 1.3])
        plan.append([volunteer_id, user_id, territory, joined, active_until, activity,
                     reminder_day, next_month(first_of_month(joined)), last])  # fmt: skip
    copy("accounts_user", ["id", "password", "last_login", "is_superuser", "email", "first_name",
                           "last_name", "is_active", "is_staff", "date_joined",
                           "email_bounced_at"], users)  # fmt: skip
    reset_sequence("accounts_user")
    copy("account_emailaddress", ["email", "verified", "primary", "user_id"], addresses)
    copy("volunteers_volunteer", ["id", "user_id", "commune_id", "quartier", "availability",
                                  "reminder_day", "reminders_enabled", "nudges_enabled",
                                  "reengagement_enabled", "calls_enabled", "contact_consent_at",
                                  "created_at"],
         volunteers)  # fmt: skip
    reset_sequence("volunteers_volunteer")
    copy("volunteers_pledge", ["volunteer_id", "started_on", "ended_on"], pledges)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO volunteers_pledgepause (pledge_id, started_on, ended_on)"
            " SELECT p.id, v.started_on, v.ended_on FROM volunteers_pledge p JOIN"
            " (SELECT unnest(%s::bigint[]) AS volunteer_id, unnest(%s::date[]) AS started_on,"
            "  unnest(%s::date[]) AS ended_on) v USING (volunteer_id)",
            [list(c) for c in zip(*pauses, strict=True)],
        )
    copy("volunteers_volunteer_interests", ["volunteer_id", "theme_id"], interests)
    copy("volunteers_volunteer_skills", ["volunteer_id", "skill_id"], skill_rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO territories_quartier (commune_id, name) SELECT id, unnest(%s::text[])"
            " FROM territories_commune WHERE insee_code = %s",
            [ORLEANS_QUARTIERS, ORLEANS],
        )
    return plan


def create_hours(rng: random.Random, plan: list) -> None:
    """HOURS hours shared out in proportion to each volunteer's activity and the days their
    pledge ran, on days drawn between its start and its stop (or today); most with a geste."""
    weights = [row[5] * ((row[4] - row[3]).days + 1) for row in plan]
    scale = HOURS / sum(weights)
    counts = [int(w * scale + rng.random()) for w in weights]
    # Rounding leaves a few hundred too many or too few: taken from or given to the busiest.
    missing = HOURS - sum(counts)
    busiest = sorted(range(len(counts)), key=lambda i: -counts[i])
    for i in busiest[: abs(missing)]:
        counts[i] += 1 if missing > 0 else -1
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE hour_plan (volunteer_id bigint, started_on date,"
            " active_until date, hours int)"
        )
    rows = ((row[0], row[3], row[4], n) for row, n in zip(plan, counts, strict=True) if n)
    copy("hour_plan", ["volunteer_id", "started_on", "active_until", "hours"], rows)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO volunteers_civichour
                (volunteer_id, done_on, minutes, note, note_shareable, created_at, geste_id,
                 source)
            SELECT h.volunteer_id, h.done_on,
                   (ARRAY[30, 45, 60, 60, 60, 60, 90, 120])[1 + floor(random() * 8)::int],
                   '', false,
                   least(now(), (h.done_on + time '09:00' + random() * interval '60 hours')
                                AT TIME ZONE 'Europe/Paris'),
                   CASE WHEN random() < 0.85
                        THEN g.ids[1 + floor(random() * array_length(g.ids, 1))::int] END,
                   'declaree'
            FROM (
                SELECT p.volunteer_id,
                       p.started_on + floor(random() * (p.active_until - p.started_on + 1))::int
                           AS done_on
                FROM hour_plan p CROSS JOIN LATERAL generate_series(1, p.hours)
            ) h,
            (SELECT array_agg(id ORDER BY id) AS ids FROM gestes_geste
             WHERE territory_id IS NULL AND status = 'publie') g
            """
        )
        cursor.execute("DROP TABLE hour_plan")


def create_deliveries(plan: list, today: datetime.date) -> None:
    """The follow-up emails of the months gone by: each volunteer's monthly reminder (a « vous
    nous manquez » for a few) from the month after signing up, and the end-of-month nudge to as
    many as make DELIVERIES in all; mostly sent, a few skipped, failed or refused."""
    from heurecivique.months import first_of_month

    this_month = first_of_month(today)

    def months(first, last):
        return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)

    reminders = sum(months(row[7], row[8]) for row in plan)
    before = sum(
        months(row[7], min(row[8], this_month - datetime.timedelta(days=1))) for row in plan
    )
    nudge_share = max(0.0, min(0.9, (DELIVERIES - reminders) / max(before, 1)))
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE delivery_plan (user_id bigint, territory_id bigint,"
            " reminder_day int, first_month date, last_month date)"
        )
    rows = ((row[1], row[2], row[6], row[7], row[8]) for row in plan if row[7] <= row[8])
    copy("delivery_plan", ["user_id", "territory_id", "reminder_day", "first_month", "last_month"],
         rows)  # fmt: skip
    outcome = """
        CASE WHEN r < 0.975 THEN 'envoye' WHEN r < 0.99 THEN 'sans-objet'
             WHEN r < 0.995 THEN 'echec' ELSE 'refuse' END,
        CASE WHEN r < 0.975 THEN 1 WHEN r < 0.99 THEN 0 WHEN r < 0.995 THEN 5 ELSE 1 END,
        CASE WHEN r < 0.975 THEN '' WHEN r < 0.99 THEN 'Plus rien à rappeler ce mois-ci.'
             WHEN r < 0.995 THEN '451 4.3.0 Temporary server error'
             ELSE '550 5.1.1 Mailbox unavailable' END,
        at, at, CASE WHEN r < 0.975 THEN at + random() * interval '20 minutes' END
    """
    columns = (
        "user_id, territory_id, kind, month, status, attempts, detail, created_at, enqueued_at,"
        " sent_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO volunteers_delivery ({columns})
            SELECT user_id, territory_id, kind, month, {outcome}
            FROM (
                SELECT p.user_id, p.territory_id, m::date AS month, random() AS r,
                       CASE WHEN random() < 0.03 THEN 'retour' ELSE 'rappel' END AS kind,
                       (m::date + (p.reminder_day - 1) + time '08:00')
                           AT TIME ZONE 'Europe/Paris' AS at
                FROM delivery_plan p
                CROSS JOIN LATERAL
                    generate_series(p.first_month, p.last_month, interval '1 month') m
            ) d
            """
        )
        cursor.execute(
            f"""
            INSERT INTO volunteers_delivery ({columns})
            SELECT user_id, territory_id, 'relance', month, {outcome}
            FROM (
                SELECT p.user_id, p.territory_id, m::date AS month, random() AS r,
                       (m::date + 23 + time '08:00') AT TIME ZONE 'Europe/Paris' AS at
                FROM delivery_plan p
                CROSS JOIN LATERAL
                    generate_series(p.first_month, p.last_month, interval '1 month') m
                WHERE m < %s
            ) d
            WHERE random() < %s
            """,
            [this_month, nudge_share],
        )
        cursor.execute("DROP TABLE delivery_plan")


def create_initiatives(rng: random.Random, communes: list, staff: dict) -> None:
    """INITIATIVES initiatives where the volunteers are, mostly published, some waiting for
    moderation, a few refused or withdrawn; with their themes, without photos."""
    from heurecivique.text import search_key
    from initiatives.models import Initiative

    national = staff[NATIONAL_ADMIN]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name FROM territories_commune WHERE id = ANY(%s)",
                       [[c[0] for c in communes]])  # fmt: skip
        names = dict(cursor.fetchall())
        cursor.execute("SELECT id FROM gestes_theme ORDER BY id")
        themes = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT id FROM accounts_user WHERE email LIKE 'v%%@national.test' LIMIT 5000"
        )
        organisers = [row[0] for row in cursor.fetchall()]
    now = timezone.now()
    rows = []
    for n, commune in enumerate(
        rng.choices(communes, weights=[c[4] for c in communes], k=INITIATIVES)
    ):
        kind, summary = rng.choice(INITIATIVE_KINDS)
        title = f"{kind} de {names[commune[0]]}"[:110]
        body = f"{summary} Ouvert à toutes et à tous, sans inscription. Venez comme vous êtes."
        run_by = rng.choice(["Une association du quartier", "Des voisins", "Le centre social"])
        created = now - datetime.timedelta(days=rng.randint(0, DAYS), minutes=rng.randint(0, 900))
        r = rng.random()
        status = ("publie" if r < 0.85 else "propose" if r < 0.93
                  else "refuse" if r < 0.97 else "retire")  # fmt: skip
        moderated = (
            created + datetime.timedelta(days=rng.randint(0, 5)) if status != "propose" else None
        )
        rows.append(
            Initiative(
                title=title,
                slug=f"{search_key(title).replace(' ', '-')}-{n + 1}",
                summary=summary,
                body=body,
                commune_id=commune[0],
                run_by=run_by,
                place="Salle des fêtes",
                frequency=rng.choice(["ponctuel", "hebdo", "mensuel", "regulier"]),
                schedule="Le samedi de 10 h à 12 h",
                how_to_join="Passez nous voir, ou écrivez-nous depuis cette page.",
                organiser_id=rng.choice(organisers) if rng.random() < 0.7 else None,
                status=status,
                featured=status == "publie" and rng.random() < 0.05,
                published_at=moderated if status in ("publie", "retire") else None,
                moderated_at=moderated,
                moderated_by=national if moderated else None,
                search_text=search_key(f"{title} {summary} {body} {run_by}"),
                created_at=created,
            )
        )
    initiatives = Initiative.objects.bulk_create(rows, batch_size=500)
    Initiative.themes.through.objects.bulk_create(
        [
            Initiative.themes.through(initiative_id=i.pk, theme_id=t)
            for i in initiatives
            for t in rng.sample(themes, rng.randint(1, 2))
        ]
    )


def create_good_practices(rng: random.Random, portals: dict) -> None:
    """GOOD_PRACTICES how-tos, two thirds national, the others shared by department portals."""
    from heurecivique.text import render_markdown
    from initiatives.models import GoodPractice

    body = (
        "## Avant de commencer\n\n- Parlez-en à la mairie.\n- Trouvez deux voisins motivés.\n\n"
        "## Le jour venu\n\nAccueillez chacun, **notez les contacts**, et remerciez."
    )
    territories = list(portals["by_department"].values())
    now = timezone.now()
    practices = GoodPractice.objects.bulk_create(
        [
            GoodPractice(
                title=f"Lancer un projet solidaire, étape {n + 1}",
                slug=f"lancer-un-projet-solidaire-etape-{n + 1}",
                summary="Les étapes qui ont marché ailleurs, pour démarrer chez vous.",
                body=body,
                body_html=render_markdown(body),
                territory_id=rng.choice(territories) if n % 3 == 2 else None,
                status="publie" if rng.random() < 0.9 else "brouillon",
                published_at=now - datetime.timedelta(days=rng.randint(0, DAYS)),
                created_at=now - datetime.timedelta(days=DAYS),
            )
            for n in range(GOOD_PRACTICES)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM gestes_geste ORDER BY id")
        gestes = [row[0] for row in cursor.fetchall()]
    GoodPractice.gestes.through.objects.bulk_create(
        [
            GoodPractice.gestes.through(goodpractice_id=p.pk, geste_id=g)
            for p in practices
            for g in rng.sample(gestes, 2)
        ]
    )


def create_signatures(rng: random.Random, staff: dict) -> None:
    """SIGNATURES signatures of the Appel by elected officials of every department, most
    verified and published, some waiting for verification or confirmation, a few refused; the
    president of the Loiret and of some other departments among them, with a word."""
    from mobilisation.models import Signature

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, insee_code, department_id, coalesce(population, 0)"
                       " FROM territories_commune ORDER BY id")  # fmt: skip
        communes = cursor.fetchall()
        cursor.execute("SELECT id, code FROM territories_department ORDER BY code")
        departments = cursor.fetchall()
    weights = [math.sqrt(max(c[3], 1)) for c in communes]
    now = timezone.now()
    loiret = next(pk for pk, code in departments if code == LOIRET)
    places = [("president-departement", None, pk) for pk, code in departments
              if code == LOIRET or rng.random() < 0.6]  # fmt: skip
    mandates, shares = zip(*MANDATES, strict=True)
    for mandate in rng.choices(mandates, weights=shares, k=SIGNATURES - len(places)):
        if mandate in COMMUNAL:
            commune = rng.choices(communes, weights=weights)[0]
            places.append((mandate, commune, commune[2]))
        else:
            places.append((mandate, None, rng.choice(departments)[0]))
    codes = dict(departments)
    rows = []
    for n, (mandate, commune, department_id) in enumerate(places):
        created = now - datetime.timedelta(days=rng.randint(1, 365), minutes=rng.randint(0, 900))
        r = 0 if mandate == "president-departement" else rng.random()
        status = ("verifiee" if r < 0.88 else "a-verifier" if r < 0.96
                  else "a-confirmer" if r < 0.99 else "refusee")  # fmt: skip
        in_loiret = department_id == loiret
        rows.append(
            Signature(
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                mandate=mandate,
                feminine=rng.random() < 0.4,
                commune_id=commune[0] if commune else None,
                department_id=department_id,
                place_code=commune[1] if commune else codes[department_id],
                email=f"s{n:05d}@national.test",
                word="Une heure par mois, c'est à la portée de chacun : engageons-nous."
                if mandate == "president-departement" or rng.random() < 0.2
                else "",
                status=status,
                created_at=created,
                confirmed_at=created + datetime.timedelta(minutes=30)
                if status != "a-confirmer"
                else None,
                verified_at=created + datetime.timedelta(days=2)
                if status in ("verifiee", "refusee")
                else None,
                verified_by=(staff[LOIRET_OFFICER] if in_loiret else staff[NATIONAL_ADMIN])
                if status in ("verifiee", "refusee")
                else None,
                refusal_reason="Mandat introuvable au répertoire national des élus."
                if status == "refusee"
                else "",
            )
        )
    Signature.objects.bulk_create(rows, batch_size=2000)


def create_missions(rng: random.Random, communes: list, plan: list, staff: dict) -> None:
    """MISSIONS missions, half in the Loiret (most in Orléans), half elsewhere; the past ones
    done, the coming ones open or filled; with their volunteers."""
    from missions.models import Association, Mission, Participation

    loiret = [c for c in communes if c[1].startswith(LOIRET)]
    orleans = next(c for c in communes if c[1] == ORLEANS)
    associations = Association.objects.bulk_create(
        [Association(name=f"Association solidaire n° {n + 1}", commune_id=orleans[0])
         for n in range(10)]
    )  # fmt: skip
    by_commune = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, commune_id FROM volunteers_volunteer ORDER BY id")
        for volunteer_id, commune_id in cursor.fetchall():
            by_commune.setdefault(commune_id, []).append(volunteer_id)
    now = timezone.now()
    missions = []
    for n in range(MISSIONS):
        if n % 2:
            commune = rng.choices(communes, weights=[c[4] for c in communes])[0]
        else:
            commune = orleans if rng.random() < 0.6 else rng.choice(loiret)
        kind = rng.choice(["voisins", "voisins", "collective"])
        association = None
        if commune is orleans and rng.random() < 0.3:
            kind, association = "association", rng.choice(associations)
        starts = now + datetime.timedelta(days=rng.randint(-300, 60), hours=rng.randint(0, 10))
        past = starts < now
        missions.append(
            Mission(
                kind=kind,
                commune_id=commune[0],
                association=association,
                title=rng.choice(
                    [
                        "Courses pour une voisine",
                        "Réparer une étagère",
                        "Ramassage des déchets",
                        "Tenir l'épicerie solidaire",
                        "Accompagner un rendez-vous médical",
                    ]
                ),  # fmt: skip
                summary="Un coup de main d'une heure environ, près de chez vous.",
                starts_at=starts.replace(minute=0, second=0, microsecond=0),
                places=1 if kind == "voisins" else rng.randint(2, 10),
                status="realisee" if past else rng.choice(["ouverte", "ouverte", "pourvue"]),
                posted_by=staff[LOIRET_OFFICER] if commune[1].startswith(LOIRET) else None,
                created_at=starts - datetime.timedelta(days=rng.randint(3, 30)),
                done_at=starts + datetime.timedelta(hours=2) if past else None,
            )
        )
    missions = Mission.objects.bulk_create(missions)
    participations = []
    for mission in missions:
        nearby = by_commune.get(mission.commune_id, [])
        for volunteer_id in rng.sample(nearby, min(len(nearby), mission.places)):
            past = mission.status == "realisee"
            participations.append(
                Participation(
                    mission=mission,
                    volunteer_id=volunteer_id,
                    status="faite" if past else "retenue",
                    created_at=mission.created_at,
                    accepted_at=mission.created_at,
                    outcome_at=mission.done_at,
                )
            )
    Participation.objects.bulk_create(participations)
