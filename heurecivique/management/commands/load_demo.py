import io

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from PIL import Image, ImageDraw, ImageFont

from gestes.demo import load_demo_gestes
from initiatives.demo import load_demo_initiatives
from missions.demo import load_demo_missions
from mobilisation.demo import load_demo_calls, load_demo_signatures, load_demo_watch
from outils.demo import load_demo_outils
from pilotage import aggregates
from territories.models import Commune, Department, Membership, Territory
from volunteers.demo import load_demo_volunteers

DEMO_PASSWORD = "une-heure-par-mois"
# Staff reach the admin only with a second factor (accounts/middleware.py): the demo staff share
# this authenticator app key, printed at start-up; `manage.py demo_code` shows its current code.
DEMO_TOTP_SECRET = "HEURECIVIQUEDEMOHEURECIVIQUEDEMO"

PORTALS = [
    {
        "slug": "loiret",
        "kind": Territory.Kind.DEPARTMENT,
        "department": "45",
        "name": "Loiret",
        "initials": "45",
        "primary_color": "#00587c",
        "secondary_color": "#f7c948",
        "welcome_text": (
            "Le Département du Loiret s'engage aux côtés des communes pour que chacun puisse "
            "donner une heure par mois à ses voisins. Des bords de Loire à la Sologne, du "
            "Gâtinais à la Beauce, chaque geste compte.\n\n"
            "Inscrivez-vous, choisissez un geste près de chez vous, et rejoignez les Loirétains "
            "qui font vivre la solidarité de proximité."
        ),
    },
    {
        "slug": "gironde",
        "kind": Territory.Kind.DEPARTMENT,
        "department": "33",
        "name": "Gironde",
        "initials": "33",
        "primary_color": "#7a1f3d",
        "secondary_color": "#f3d9e2",
        "welcome_text": (
            "En Gironde, la solidarité se vit d'abord entre voisins. Le Département et les "
            "communes girondines vous invitent à donner une heure par mois pour celles et ceux "
            "qui vivent à côté de chez vous."
        ),
    },
    {
        "slug": "orleans",
        "kind": Territory.Kind.COMMUNE,
        "commune": "45234",
        "name": "Orléans",
        "initials": "O",
        "primary_color": "#9b2c1f",
        "secondary_color": "#fde2c4",
        "welcome_text": (
            "La Ville d'Orléans et son CCAS comptent sur vous : une heure par mois, dans votre "
            "quartier, pour que personne ne reste seul."
        ),
    },
]

ACCOUNTS = [
    ("national@demo.test", "Nadia", "Lefèvre", "national", Membership.Role.NATIONAL_ADMIN),
    ("loiret@demo.test", "Louis", "Marchand", "loiret", Membership.Role.DEPARTMENT_OFFICER),
    ("orleans@demo.test", "Odile", "Perrin", "orleans", Membership.Role.COMMUNE_AGENT),
    ("gironde@demo.test", "Gaël", "Dubos", "gironde", Membership.Role.DEPARTMENT_OFFICER),
    # The referent of the « Épicerie solidaire de La Source » (missions/demo.py).
    ("association@demo.test", "Amina", "Benali", "orleans", Membership.Role.ASSOCIATION_REFERENT),
    # The maire's deputy for solidarity: the dashboard and the report, nothing else.
    ("elue@demo.test", "Élise", "Garnier", "orleans", Membership.Role.ELECTED),
    ("habitant@demo.test", "Hélène", "Robin", None, None),
]


def demo_logo(initials: str, color: str) -> ContentFile:
    """A plain round logo with the portal's initials, standing in for a real one."""
    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, 236, 236), fill=color)
    font = ImageFont.load_default(size=110 if len(initials) < 2 else 96)
    draw.text((120, 124), initials, fill="#ffffff", font=font, anchor="mm")
    output = io.BytesIO()
    image.save(output, format="PNG")
    return ContentFile(output.getvalue(), name="logo.png")


class Command(BaseCommand):
    help = "Charge le contenu de démonstration (portails, comptes). Relançable sans doublon."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="port shown in the addresses")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Le contenu de démonstration crée des comptes aux mots de passe connus : "
                "il ne se charge qu'en développement (DJANGO_DEBUG=true)."
            )
        if not Commune.objects.exists():
            raise CommandError("Chargez d'abord les communes : python manage.py load_communes")
        portals = self._load_portals()
        self._load_accounts(portals)
        resident = get_user_model().objects.get(email="habitant@demo.test")
        created = load_demo_volunteers(resident)
        if created:
            self.stdout.write(f"{created} volontaires de démonstration et leurs heures créés.")
        if downloads := load_demo_outils():
            self.stdout.write(f"Boîte à outils : lettre modifiable, kit réservé, {downloads} "
                              "téléchargements comptés.")  # fmt: skip
        if initiatives := load_demo_initiatives():
            self.stdout.write(f"{initiatives} initiatives et 5 bonnes pratiques créées.")
        if signatures := load_demo_signatures():
            self.stdout.write(
                f"L'Appel : {signatures} signatures publiées, 3 à vérifier (Loiret, Orléans)."
            )
        if ideas := load_demo_gestes():
            self.stdout.write(
                f"{ideas} idées de gestes proposées sur les portails de démonstration."
            )
        User = get_user_model()
        if missions := load_demo_missions(
            resident=resident,
            commune_staff=User.objects.get(email="orleans@demo.test"),
            department_staff=User.objects.get(email="loiret@demo.test"),
            referent=User.objects.get(email="association@demo.test"),
        ):
            self.stdout.write(
                f"Missions : {missions} dans le Loiret, dont une liste d'attente, des heures "
                "validées et une demande de coup de main à traiter à Orléans."
            )
        if watched := load_demo_watch(commune_staff=User.objects.get(email="orleans@demo.test")):
            self.stdout.write(
                f"Veille canicule d'Orléans : {watched} personnes à appeler et leurs volontaires."
            )
        if reached := load_demo_calls(commune_staff=User.objects.get(email="orleans@demo.test")):
            self.stdout.write(
                f"Messages aux volontaires : un message du CCAS d'Orléans reçu par {reached} "
                "volontaires, avec leurs réponses, et un brouillon à vérifier."
            )
        # The cockpit's figures, counted at once rather than at the first visit of a dashboard.
        aggregates.count_all()
        self._print_summary(options["port"])

    def _load_portals(self) -> dict[str, Territory]:
        portals = {"national": Territory.objects.national()}
        for spec in PORTALS:
            spec = dict(spec)
            initials = spec.pop("initials")
            if "department" in spec:
                spec["department"] = Department.objects.get(code=spec["department"])
            if "commune" in spec:
                spec["commune"] = Commune.objects.get(insee_code=spec["commune"])
            territory, _created = Territory.objects.update_or_create(
                slug=spec.pop("slug"), defaults=spec
            )
            if not territory.logo:
                territory.logo.save(
                    f"{territory.slug}.png", demo_logo(initials, territory.primary_color)
                )
            portals[territory.slug] = territory
        return portals

    def _load_accounts(self, portals: dict[str, Territory]) -> None:
        User = get_user_model()
        for email, first_name, last_name, portal, role in ACCOUNTS:
            user, created = User.objects.get_or_create(
                email=email, defaults={"first_name": first_name, "last_name": last_name}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if role:
                Membership.objects.get_or_create(user=user, territory=portals[portal], role=role)
                if not Authenticator.objects.filter(user=user, type="totp").exists():
                    TOTP.activate(user, DEMO_TOTP_SECRET)

    def _print_summary(self, port: int) -> None:
        self.stdout.write(
            self.style.SUCCESS("\nL'Heure Civique est prête.")
            + f"\n\n  Portail national : http://localhost:{port}"
            + f"\n  Portail du Loiret : http://loiret.localhost:{port}"
            + f"\n  Portail de la Gironde : http://gironde.localhost:{port}"
            + f"\n  Portail d'Orléans : http://orleans.localhost:{port}"
            + f"\n  Administration : http://localhost:{port}/admin/"
            + f"\n\n  Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :"
        )
        for email, first_name, _last, portal, role in ACCOUNTS:
            what = f"{Membership.Role(role).label}, {portal}" if role else "volontaire à Orléans"
            self.stdout.write(f"    {email:<22} {first_name} — {what}")
        self.stdout.write(
            "\n  Les comptes de l'équipe demandent aussi un code de double authentification :"
            f"\n    ajoutez la clé {DEMO_TOTP_SECRET} dans une application d'authentification,"
            "\n    ou lisez le code du moment avec : python manage.py demo_code\n"
        )
