"""The pages nginx serves itself (deploy/erreurs/): an upload too heavy, a site that does not
answer in time. In the site's styles, under their own Content-Security-Policy, with no axe-core
violation."""

import re
from pathlib import Path

import pytest

from .test_accessibility import AXE

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(
    ("name", "status", "heading"),
    [("413", 413, "Votre envoi est trop lourd"),
     ("50x", 502, "Le site est momentanément indisponible")],
)  # fmt: skip
def test_the_proxys_own_pages_are_accessible_under_their_policy(
    page, portal_url, name, status, heading
):
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    location = re.search(r"location \^~ /erreurs/ \{([^}]*)\}", conf).group(1)
    policy = re.search(r'Content-Security-Policy "([^"]+)"', location).group(1)
    html = (ROOT / "deploy" / "erreurs" / f"{name}.html").read_text()
    url = portal_url(path="/compte/")  # any address of the site: nginx answers in its place
    page.route(
        url,
        lambda route: route.fulfill(
            status=status,
            body=html,
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": policy},
        ),
    )
    response = page.goto(url)
    assert response.status == status
    assert page.get_by_role("heading", level=1).inner_text() == heading
    # The site's stylesheets load, and the policy blocks nothing (Chromium would say so).
    assert page.evaluate("[...document.styleSheets].filter(s => s.cssRules.length).length") == 2
    assert [e for e in page.console_errors if f"status of {status}" not in e] == []
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()
