import datetime
import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth import get_user_model
from django.utils import timezone

from gestes.models import Geste
from initiatives.models import Initiative
from missions.models import Association, Beneficiary, Mission, Participation
from mobilisation.models import Mandate, Signature
from territories.models import Commune, Department, Territory
from volunteers.attestation import Facts
from volunteers.models import CivicHour, Pledge, Volunteer

PASSWORD = "une-heure-par-mois"
# The authenticator app of the staff personas (tests/conftest.py), as base32.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app shows now for this secret."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def enrol_in_two_factor(user, secret: str = TOTP_SECRET) -> RecoveryCodes:
    """Give this person an authenticator app and recovery codes, as if they had enrolled."""
    TOTP.activate(user, secret)
    return RecoveryCodes.activate(user)


class UserFactory(factory.django.DjangoModelFactory):
    """An account whose email address is verified, able to sign in with PASSWORD."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = "Camille"
    last_name = "Martin"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{n % 90 + 1:02d}")
    name = factory.Sequence(lambda n: f"Département {n}")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["insee_code"]

    department = factory.SubFactory(DepartmentFactory)
    insee_code = factory.Sequence(lambda n: f"{n:05d}")
    name = factory.Sequence(lambda n: f"Commune {n}")


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    kind = Territory.Kind.COMMUNE
    commune = factory.Maybe(
        factory.LazyAttribute(lambda territory: territory.kind == Territory.Kind.COMMUNE),
        yes_declaration=factory.SubFactory(CommuneFactory),
        no_declaration=None,
    )
    slug = factory.Sequence(lambda n: f"territoire-{n}")
    name = factory.Sequence(lambda n: f"Territoire {n}")


class VolunteerFactory(factory.django.DjangoModelFactory):
    """A volunteer whose pledge runs since a year ago; `pledge=date` to choose, False for none."""

    class Meta:
        model = Volunteer
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    commune = factory.SubFactory(CommuneFactory)

    @factory.post_generation
    def pledge(volunteer, create, extracted, **kwargs):
        if create and extracted is not False:
            started_on = extracted or timezone.localdate() - datetime.timedelta(days=365)
            Pledge.objects.create(volunteer=volunteer, started_on=started_on)


class CivicHourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CivicHour

    volunteer = factory.SubFactory(VolunteerFactory)
    done_on = factory.LazyFunction(timezone.localdate)
    minutes = 60


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    name = factory.Sequence(lambda n: f"Association solidaire {n}")
    commune = factory.SubFactory(CommuneFactory)


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiary

    commune = factory.SubFactory(CommuneFactory)
    name = "Marcelle Dupuis"
    phone = "02 38 00 00 01"
    address = "12 rue des Tilleuls"
    needs = "Des courses le jeudi."


class MissionFactory(factory.django.DjangoModelFactory):
    """An « entre voisins » need for one volunteer, in three days at 10 h."""

    class Meta:
        model = Mission
        skip_postgeneration_save = True

    kind = Mission.Kind.NEIGHBOURS
    commune = factory.SubFactory(CommuneFactory)
    title = factory.Sequence(lambda n: f"Courses pour une voisine {n}")
    summary = "Porter les courses d'une personne âgée du quartier."
    starts_at = factory.LazyFunction(
        lambda: (
            timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
            + datetime.timedelta(days=3)
        )
    )
    places = 1


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    mission = factory.SubFactory(MissionFactory)
    volunteer = factory.SubFactory(VolunteerFactory)
    status = Participation.Status.ACCEPTED


class GesteFactory(factory.django.DjangoModelFactory):
    """A published national geste."""

    class Meta:
        model = Geste
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Geste numéro {n}")
    summary = "Un geste simple près de chez soi."
    how_to = "Proposez votre aide à un voisin."
    kind = Geste.Kind.PERSON
    status = Geste.Status.PUBLISHED

    @factory.post_generation
    def themes(geste, create, extracted, **kwargs):
        if create and extracted:
            geste.themes.set(extracted)


class InitiativeFactory(factory.django.DjangoModelFactory):
    """A published initiative, organised by a new account."""

    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Initiative numéro {n}")
    summary = "Des voisins qui s'entraident."
    body = "Une présentation."
    commune = factory.SubFactory(CommuneFactory)
    run_by = "Association des voisins"
    place = "Salle des fêtes"
    frequency = Initiative.Frequency.WEEKLY
    schedule = "le samedi matin"
    how_to_join = "Venez nous voir."
    organiser = factory.SubFactory(UserFactory)
    status = Initiative.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class SignatureFactory(factory.django.DjangoModelFactory):
    """A published signature of the Appel; give `commune` (municipal) or `department`."""

    class Meta:
        model = Signature

    first_name = "Claire"
    last_name = factory.Sequence(lambda n: f"Élue{chr(65 + n % 26)}{n}")
    mandate = Mandate.MAYOR
    email = factory.Sequence(lambda n: f"elu{n}@mairie.example.org")
    status = Signature.Status.VERIFIED
    confirmed_at = factory.LazyFunction(timezone.now)
    verified_at = factory.LazyFunction(timezone.now)
    commune = None
    department = factory.LazyAttribute(lambda s: s.commune.department if s.commune else None)


def attestation_facts(**changes) -> Facts:
    """What an attestation of four months states, as its reference carries it."""
    facts = {
        "name": "Hélène M.",
        "start": datetime.date(2026, 1, 1),
        "end": datetime.date(2026, 4, 1),
        "minutes": 270,
        "actions": 4,
        "issued_on": datetime.date(2026, 5, 2),
    }
    return Facts(**(facts | changes))
