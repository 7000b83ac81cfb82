"""The page nginx serves itself when an upload is too heavy (deploy/erreurs/413.html): in the
site's styles, under its own Content-Security-Policy, with no axe-core violation."""

import re
from pathlib import Path

from .test_accessibility import AXE

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_proxy_page_for_an_oversized_upload_is_accessible_under_its_policy(page, portal_url):
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    location = re.search(r"location = /erreurs/413\.html \{([^}]*)\}", conf).group(1)
    policy = re.search(r'Content-Security-Policy "([^"]+)"', location).group(1)
    html = (ROOT / "deploy" / "erreurs" / "413.html").read_text()
    url = portal_url(path="/compte/")  # any address of the site: nginx answers in its place
    page.route(
        url,
        lambda route: route.fulfill(
            status=413,
            body=html,
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": policy},
        ),
    )
    response = page.goto(url)
    assert response.status == 413
    assert page.get_by_role("heading", level=1).inner_text() == "Votre envoi est trop lourd"
    # The site's stylesheets load, and the policy blocks nothing (Chromium would say so).
    assert page.evaluate("[...document.styleSheets].filter(s => s.cssRules.length).length") == 2
    assert [e for e in page.console_errors if "status of 413" not in e] == []
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()
