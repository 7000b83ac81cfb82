"""« Les 100 gestes solidaires » ship with the portal, complete and all different."""

from gestes.models import Geste, Theme, months_of
from heurecivique.text import search_key


def test_exactly_one_hundred_national_gestes_each_complete(db):
    gestes = list(Geste.objects.filter(territory__isnull=True).prefetch_related("themes"))
    assert len(gestes) == 100
    for geste in gestes:
        assert geste.status == Geste.Status.PUBLISHED, geste
        assert len(geste.title) >= 15 and geste.summary and len(geste.how_to) >= 80, geste
        assert geste.themes.all(), geste
        assert geste.kind in Geste.Kind.values and geste.effort in Geste.Effort.values, geste
        assert set(months_of(geste.months)) <= set(range(1, 13)), geste
        assert geste.months < 1 << 13, geste
        assert geste.search_text == search_key(f"{geste.title} {geste.summary} {geste.how_to}")


def test_no_two_gestes_say_the_same_thing(db):
    gestes = Geste.objects.filter(territory__isnull=True)
    for field in ("title", "slug", "summary", "how_to"):
        values = [search_key(getattr(g, field)) for g in gestes]
        assert len(set(values)) == 100, field


def test_every_theme_and_every_kind_has_gestes(db):
    for theme in Theme.objects.all():
        assert theme.gestes.count() >= 5, theme
    for kind in Geste.Kind.values:
        assert Geste.objects.filter(kind=kind).count() >= 10, kind


def test_the_seasons_of_the_programme_have_their_gestes(db):
    national = Geste.objects.published().filter(territory__isnull=True)
    assert national.for_months([12]).filter(title__icontains="Noël").exists()
    assert national.for_months([7]).filter(title__icontains="canicule").exists()
    assert national.for_months([1]).filter(title__icontains="galette").exists()
    assert national.for_months([5]).filter(title__icontains="Fête des voisins").exists()
    assert national.for_months([9]).filter(title__icontains="scolaire").exists()
