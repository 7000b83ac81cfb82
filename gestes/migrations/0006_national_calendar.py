"""The national calendar of the year: one theme a month, with the gestes it puts forward.

A territory may write its own theme for a month in the admin; the national one shows otherwise.
Gestes are named by their slug (see 0004_cent_gestes).
"""

from django.db import migrations

CALENDAR = {
    1: (
        "La galette des voisins",
        "Janvier, c'est le mois des vœux et des galettes. Partagez-en une avec les voisins du palier : c'est souvent le premier pas d'une année plus solidaire. Et pendant le grand froid, un coup d'œil chez les personnes seules compte double.",
        [
            "partager-la-galette-des-rois-entre-voisins",
            "veiller-sur-les-personnes-isolees-pendant-le-grand-froid",
            "deneiger-lentree-dun-voisin-age",
            "nourrir-les-oiseaux-en-hiver",
        ],
    ),
    2: (
        "Briser la solitude de l'hiver",
        "Les jours sont courts et certains voisins ne sortent plus guère. Un appel, une visite, un repas partagé : une heure de compagnie éclaire tout un mois.",
        [
            "telephoner-a-une-personne-seule",
            "rendre-visite-a-un-voisin-age",
            "partager-un-repas-avec-un-voisin-seul",
            "ecrire-une-lettre-a-un-resident-dehpad",
        ],
    ),
    3: (
        "Le grand nettoyage de printemps",
        "Le printemps revient : c'est le moment de rendre la rue, le parc ou les berges plus accueillants, seul ou à plusieurs.",
        [
            "ramasser-les-dechets-dans-sa-rue",
            "nettoyer-les-berges-dune-riviere",
            "organiser-un-troc-de-plantes-et-de-graines",
            "fabriquer-des-nichoirs-pour-les-oiseaux",
        ],
    ),
    4: (
        "Semer et réparer ensemble",
        "Avril fait pousser les jardins partagés et les ateliers de réparation. Donnez une heure à un projet qui rassemble le quartier.",
        [
            "entretenir-un-jardin-partage",
            "tenir-un-atelier-de-reparation",
            "organiser-une-chasse-aux-ufs-dans-le-quartier",
            "vegetaliser-un-pied-darbre-de-sa-rue",
        ],
    ),
    5: (
        "La Fête des voisins",
        "Fin mai, la Fête des voisins réunit les immeubles et les rues de toute la France. Lancez-la chez vous, ou aidez ceux qui l'organisent : c'est là que naissent les entraides de toute l'année.",
        [
            "organiser-la-fete-des-voisins",
            "accueillir-un-nouveau-voisin",
            "creer-lannuaire-des-voisins-solidaires",
            "installer-un-panneau-dentraide-dans-le-hall",
        ],
    ),
    6: (
        "Prêts pour l'été",
        "Avant les premières chaleurs, repérons ensemble les voisins fragiles et préparons-nous. Un été serein se prépare en juin.",
        [
            "relayer-les-alertes-meteo-aupres-de-ses-voisins",
            "passer-voir-les-personnes-fragiles-pendant-la-canicule",
            "se-former-aux-gestes-qui-sauvent",
            "donner-son-sang-et-y-emmener-un-voisin",
        ],
    ),
    7: (
        "Canicule : veiller les uns sur les autres",
        "Quand il fait très chaud, les personnes âgées et isolées sont les plus exposées. Un appel, une bouteille d'eau, des volets fermés à temps : votre heure peut tout changer.",
        [
            "passer-voir-les-personnes-fragiles-pendant-la-canicule",
            "telephoner-a-une-personne-seule",
            "arroser-les-plantes-dun-voisin-en-vacances",
            "relever-le-courrier-dun-voisin-absent",
        ],
    ),
    8: (
        "Un été solidaire",
        "Beaucoup partent, d'autres restent seuls. Gardez un œil sur la maison du voisin, le chat de la voisine et ceux qui n'ont pas de vacances.",
        [
            "garder-le-chat-dun-voisin-pendant-son-absence",
            "passer-voir-les-personnes-fragiles-pendant-la-canicule",
            "collecter-des-fournitures-scolaires-pour-la-rentree",
            "donner-un-coup-de-main-au-refuge-pour-animaux",
        ],
    ),
    9: (
        "La rentrée solidaire",
        "Nouvelle année scolaire, nouveaux voisins, associations qui recrutent : septembre est le meilleur mois pour proposer ses bras et ses talents.",
        [
            "aider-un-collegien-a-faire-ses-devoirs",
            "proposer-ses-competences-a-une-association-locale",
            "faire-visiter-le-quartier-aux-nouveaux-habitants",
            "accompagner-le-pedibus-de-lecole",
        ],
    ),
    10: (
        "Le numérique pour tous",
        "Une démarche en ligne, un téléphone à régler, une arnaque à déjouer : une heure de patience aide un voisin à garder la main.",
        [
            "aider-a-faire-une-demarche-en-ligne",
            "installer-et-regler-un-smartphone",
            "apprendre-a-reconnaitre-les-arnaques-en-ligne",
            "ramasser-les-feuilles-mortes-chez-un-voisin-age",
        ],
    ),
    11: (
        "Préparer l'hiver ensemble",
        "Avant le froid, aidons les plus fragiles à s'y préparer et soutenons les collectes qui commencent.",
        [
            "aider-une-personne-agee-a-preparer-son-domicile-a-lhiver",
            "collecter-des-denrees-pour-la-banque-alimentaire",
            "verifier-le-detecteur-de-fumee-dun-voisin",
            "trier-les-dons-dans-une-epicerie-solidaire",
        ],
    ),
    12: (
        "Le Noël des Voisins",
        "Décembre est le mois où l'on pense à ceux qui fêteront seuls. Un repas, un colis, une porte ouverte : que personne ne soit oublié.",
        [
            "organiser-le-noel-des-voisins",
            "distribuer-les-colis-de-fin-dannee-aux-aines",
            "donner-une-heure-au-telethon-de-sa-commune",
            "partager-un-repas-avec-un-voisin-seul",
        ],
    ),
}


def load_calendar(apps, schema_editor):
    MonthTheme = apps.get_model("gestes", "MonthTheme")
    Geste = apps.get_model("gestes", "Geste")
    for month, (title, message, slugs) in CALENDAR.items():
        theme, _created = MonthTheme.objects.update_or_create(
            territory=None, month=month, defaults={"title": title, "message": message}
        )
        gestes = list(Geste.objects.filter(slug__in=slugs))
        if len(gestes) != len(slugs):
            missing = set(slugs) - {geste.slug for geste in gestes}
            raise ValueError(f"Unknown gestes in the calendar: {sorted(missing)}")
        theme.gestes.set(gestes)


class Migration(migrations.Migration):
    dependencies = [("gestes", "0005_monththeme")]

    operations = [migrations.RunPython(load_calendar, migrations.RunPython.noop)]
