"""Initiatives: proposed, moderated by their commune's portal, relayed to their organiser."""

from django.db import transaction

from heurecivique.email import send_templated_mail

from .models import GoodPractice, Initiative, InterestMessage, Photo


def add_photo(*, initiative: Initiative, variants, alt_text: str, position: int) -> Photo:
    """Store a photo from its re-encoded variants (heurecivique.images.photo_variants)."""
    (small_width, small), (medium_width, medium), (large_width, large) = variants.values()
    photo = Photo(
        initiative=initiative,
        alt_text=alt_text,
        position=position,
        small_width=small_width,
        medium_width=medium_width,
        large_width=large_width,
    )
    photo.small.save(small.name, small, save=False)
    photo.medium.save(medium.name, medium, save=False)
    photo.large.save(large.name, large, save=False)
    photo.save()
    return photo


@transaction.atomic
def propose_initiative(*, organiser, themes, photos, **fields) -> Initiative:
    """A new initiative, waiting for the moderators of its commune's portal.

    `photos` are (variants, alt text) pairs, already checked and re-encoded by the form.
    """
    initiative = Initiative(organiser=organiser, status=Initiative.Status.PROPOSED, **fields)
    initiative.full_clean(exclude=["slug"])
    initiative.save()
    initiative.themes.set(themes)
    for position, (variants, alt_text) in enumerate(photos):
        add_photo(initiative=initiative, variants=variants, alt_text=alt_text, position=position)
    return initiative


@transaction.atomic
def send_interest(*, initiative: Initiative, sender, message: str, site_url: str):
    """« Je suis intéressé(e) »: the message goes to the organiser, who answers the volunteer
    directly (Reply-To); the volunteer never sees the organiser's address."""
    interest = InterestMessage(initiative=initiative, sender=sender, message=message)
    interest.full_clean()
    interest.save()
    organiser = initiative.organiser
    if organiser and organiser.email:
        send_templated_mail(
            to=organiser.email,
            template="initiatives/email/interest",
            context={"initiative": initiative, "interest": interest, "site_url": site_url},
            reply_to=[sender.email],
        )
    return interest


def copy_good_practice(*, practice: GoodPractice, territory) -> GoodPractice:
    """A territory takes up another's good practice as a draft of its own, to adapt."""
    copy = GoodPractice.objects.create(
        title=practice.title,
        summary=practice.summary,
        body=practice.body,
        territory=territory,
        copied_from=practice,
        status=GoodPractice.Status.DRAFT,
    )
    copy.gestes.set(practice.gestes.all())
    copy.kits.set(practice.kits.all())
    return copy
