from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path, re_path

from gestes.sitemaps import GestesSitemap
from heurecivique.page_cache import public_page
from initiatives.sitemaps import InitiativesSitemap, PracticesSitemap
from missions.sitemaps import MissionsSitemap
from outils.sitemaps import KitsSitemap
from pilotage import views as pilotage_views
from pilotage.dashboard import with_dashboard
from volunteers import views as volunteer_views

from . import views
from .admin import refusing_empty_to_field
from .sitemaps import PagesSitemap

# The sections of sitemap.xml, each app giving the sitemap of its objects (see sitemaps.py).
SITEMAPS = {
    "pages": PagesSitemap,
    "gestes": GestesSitemap,
    "outils": KitsSitemap,
    "initiatives": InitiativesSitemap,
    "bonnes-pratiques": PracticesSitemap,
    "missions": MissionsSitemap,
}

# The admin signs in through allauth's login: rate-limited, with the same rules as the site.
admin.site.login = secure_admin_login(admin.site.login)
# Django's change and delete pages fail (500) on an empty « ?_to_field= »: refused (400).
admin.site.admin_view = refusing_empty_to_field(admin.site.admin_view)
admin.site.site_header = "L'Heure Civique — administration"
admin.site.site_title = "Administration de L'Heure Civique"
admin.site.index_title = "Tableau de bord"
admin.site.index = with_dashboard(admin.site.index)
# The lists get the whole width of a 1280 px screen; the index lists the models already.
admin.site.enable_nav_sidebar = False

# An error page that needs nothing: a database that does not answer gets its own (503).
handler500 = "heurecivique.views.server_error"
handler403 = "heurecivique.views.permission_denied"

urlpatterns = [
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("partage.png", views.home_share_image, name="home_share_image"),
    path("presse/", public_page(pilotage_views.press), name="press"),
    path("chiffres/", include("pilotage.urls")),
    path(
        "mentions-legales/",
        views.LegalPageView.as_view(template_name="pages/legal_notice.html"),
        name="legal_notice",
    ),
    path(
        "donnees-personnelles/",
        views.LegalPageView.as_view(template_name="pages/privacy.html"),
        name="privacy",
    ),
    path(
        "accessibilite/",
        views.LegalPageView.as_view(template_name="pages/accessibility.html"),
        name="accessibility",
    ),
    path("plan-du-site/", views.site_map, name="site_map"),
    path("sitemap.xml", sitemaps.index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon),
    path("gestes/", include("gestes.urls")),
    path("outils/", include("outils.urls")),
    path("", include("initiatives.urls")),
    path("appel/", include("mobilisation.urls")),
    # /missions/… and /mon-heure/missions/…, before the rest of « Mon heure ».
    path("", include("missions.urls")),
    path("mon-heure/", include("volunteers.urls")),
    # One-click unsubscribe from the follow-up emails (RFC 8058), where DESIGN.md puts it.
    path("desinscription/<str:token>/", volunteer_views.unsubscribe, name="unsubscribe"),
    # Where an attestation's QR code leads: anyone may check it, without an account.
    path(
        "attestation/<str:reference>/", volunteer_views.attestation_check, name="attestation_check"
    ),
    path("compte/donnees/", views.personal_data, name="personal_data"),
    re_path(
        r"^compte/donnees/export\.(?P<fmt>json|csv)$",
        views.personal_data_export,
        name="personal_data_export",
    ),
    path("compte/donnees/supprimer/", views.delete_account, name="delete_account"),
    path("compte/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("territories.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
