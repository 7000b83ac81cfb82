from django.urls import reverse


def test_the_search_comes_before_the_gestes_of_the_month(client, db):
    """On a phone the month's cards fill several screens: the search must not be under them."""
    html = client.get(reverse("gestes:list")).content.decode()
    assert "Les gestes du mois" in html
    assert html.index('role="search"') < html.index("Les gestes du mois")
