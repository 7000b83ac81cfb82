"""Demo initiatives with drawn photos, and five good practices, for `make run`."""

import io
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from gestes.models import Geste, Theme
from heurecivique.images import photo_variants
from outils.models import Kit
from territories.models import Commune, Territory

from . import services
from .models import GoodPractice, Initiative

# (commune INSEE code, title, summary, body, run by, place, frequency, schedule, themes)
INITIATIVES = [
    (
        "45234",
        "Les jardiniers de La Source",
        "Un jardin partagé ouvert à tous les habitants du quartier.",
        "Sur une ancienne pelouse, une trentaine de voisins cultivent ensemble légumes et fleurs. Les récoltes sont partagées, et une parcelle est réservée à l'épicerie solidaire.",
        "Association Source Verte",
        "Jardin partagé, rue de Bourges",
        "hebdo",
        "le samedi de 9 h 30 à 12 h",
        ["environnement", "culture-lien-social"],
    ),
    (
        "45234",
        "Le café numérique du CCAS",
        "Une permanence pour apprivoiser son téléphone et les démarches en ligne.",
        "Chaque mardi, des bénévoles accueillent les habitants avec leur téléphone, leur tablette ou leurs papiers : courriels, photos, rendez-vous médicaux, déclarations en ligne.",
        "CCAS d'Orléans",
        "Maison des associations, salle 2",
        "hebdo",
        "le mardi de 14 h à 16 h",
        ["numerique", "personnes-agees"],
    ),
    (
        "45234",
        "Les lectures du mercredi à l'Argonne",
        "Des histoires lues aux enfants par des voisins bénévoles.",
        "À la médiathèque de quartier, des habitants de tous âges lisent des albums aux enfants. Aucun talent d'acteur n'est demandé : l'envie de partager suffit.",
        "Médiathèque de l'Argonne",
        "Médiathèque de l'Argonne",
        "hebdo",
        "le mercredi à 10 h 30",
        ["enfance-jeunesse", "culture-lien-social"],
    ),
    (
        "45234",
        "Les visites de l'amitié",
        "Des binômes de voisins qui rendent visite aux aînés isolés.",
        "Le CCAS met en relation des volontaires et des personnes âgées qui aimeraient de la compagnie. Une visite par mois, à la même heure, pour créer un lien dans la durée.",
        "CCAS d'Orléans",
        "Au domicile des personnes visitées",
        "mensuel",
        "une heure par mois, à convenir",
        ["personnes-agees"],
    ),
    (
        "45284",
        "Repair café de Saint-Jean-de-Braye",
        "Réparer ensemble plutôt que jeter.",
        "Grille-pain, lampes, vêtements, vélos : des bricoleurs bénévoles aident chacun à réparer ses objets, autour d'un café.",
        "Collectif Répare et Partage",
        "Salle des fêtes",
        "mensuel",
        "le premier samedi du mois, de 14 h à 17 h",
        ["environnement", "entraide-quotidien"],
    ),
    (
        "45284",
        "Le pédibus des Longues Allées",
        "Des parents et des retraités accompagnent les enfants à l'école à pied.",
        "Trois lignes de pédibus relient les lotissements à l'école. Chaque accompagnateur choisit ses jours ; il manque toujours des bras le vendredi.",
        "Association des parents d'élèves",
        "Départ devant la boulangerie",
        "hebdo",
        "les jours d'école à 8 h 10",
        ["enfance-jeunesse", "environnement"],
    ),
    (
        "45285",
        "Les courses solidaires de la Ruelle",
        "Des voisins font les courses des personnes qui ne peuvent plus se déplacer.",
        "Une liste passe chaque lundi ; les volontaires font les courses dans la semaine et prennent le temps d'un café à la livraison.",
        "Centre social de la Ruelle",
        "Centre social",
        "hebdo",
        "dépôt des listes le lundi matin",
        ["personnes-agees", "entraide-quotidien"],
    ),
    (
        "45285",
        "Tricot solidaire",
        "Bonnets et couvertures pour la maternité et les maraudes.",
        "Un après-midi par semaine, on tricote et on papote. Les ouvrages partent à la maternité de l'hôpital et aux maraudes de l'hiver.",
        "Club des aînés",
        "Salle Jean-Moulin",
        "hebdo",
        "le jeudi de 14 h à 17 h",
        ["culture-lien-social", "entraide-quotidien"],
    ),
    (
        "45232",
        "Nettoyons les bords du Loiret",
        "Une matinée par mois pour ramasser les déchets le long de la rivière.",
        "Gants, pinces et sacs sont fournis. Les enfants sont les bienvenus avec leurs parents ; un goûter conclut chaque sortie.",
        "Les Amis du Loiret",
        "Parking du moulin",
        "mensuel",
        "le troisième dimanche du mois à 9 h 30",
        ["environnement"],
    ),
    (
        "45147",
        "La boîte à livres de la place du marché",
        "Une armoire à livres entretenue par les habitants.",
        "Des voisins passent chaque semaine pour ranger, trier et ajouter des livres pour tous les âges.",
        "Conseil de quartier",
        "Place du marché",
        "regulier",
        "en libre accès",
        ["culture-lien-social"],
    ),
    (
        "45155",
        "Aide aux devoirs au centre social",
        "Un coup de pouce scolaire pour les collégiens.",
        "Des bénévoles accompagnent les collégiens deux soirs par semaine. Chaque bénévole suit un ou deux élèves toute l'année.",
        "Centre social Romain-Rolland",
        "Centre social",
        "hebdo",
        "les lundi et jeudi de 17 h à 18 h 30",
        ["enfance-jeunesse"],
    ),
    (
        "45302",
        "Les repas partagés du dimanche",
        "Un déjeuner mensuel où chacun apporte un plat.",
        "Personnes seules, familles, nouveaux arrivants : tout le monde est invité. La mairie prête la salle, les habitants font le reste.",
        "Comité des fêtes",
        "Salle polyvalente",
        "mensuel",
        "le dernier dimanche du mois à midi",
        ["culture-lien-social", "personnes-agees"],
    ),
    (
        "45068",
        "Le refuge des Quatre Pattes cherche des promeneurs",
        "Promener les chiens du refuge, une heure quand on veut.",
        "Les chiens du refuge ont besoin de sortir chaque jour. Après une courte formation, vous choisissez vos créneaux.",
        "Refuge des Quatre Pattes",
        "Refuge, route de Pithiviers",
        "regulier",
        "tous les jours de 14 h à 17 h",
        ["animaux"],
    ),
    (
        "33063",
        "La Fabrique à solidarités des Chartrons",
        "Un lieu où les voisins proposent et demandent des coups de main.",
        "Un tableau, un café et une permanence : on y trouve quelqu'un pour monter un meuble, réparer un vélo ou accompagner une voisine chez le médecin.",
        "Association Chartrons Solidaires",
        "Rue Notre-Dame",
        "hebdo",
        "le mercredi de 17 h à 19 h",
        ["entraide-quotidien", "culture-lien-social"],
    ),
    (
        "33063",
        "Les veilleurs de l'été",
        "Des voisins qui prennent des nouvelles des aînés pendant les canicules.",
        "Avec le CCAS, chaque volontaire appelle ou visite quelques personnes âgées de son quartier quand la chaleur s'installe.",
        "CCAS de Bordeaux",
        "Dans votre quartier",
        "regulier",
        "de juin à septembre, lors des alertes",
        ["personnes-agees", "sante-prevention"],
    ),
    (
        "33063",
        "Bordeaux lit aux tout-petits",
        "Lectures dans les salles d'attente des centres de PMI.",
        "Des bénévoles lisent des histoires aux jeunes enfants qui attendent leur consultation, pour partager le plaisir des livres dès le plus jeune âge.",
        "Association Lire et Grandir",
        "Centres de PMI de la ville",
        "hebdo",
        "en matinée, selon vos disponibilités",
        ["enfance-jeunesse", "culture-lien-social"],
    ),
    (
        "33281",
        "Le jardin du cœur de Mérignac",
        "Un potager dont les récoltes vont à l'épicerie solidaire.",
        "Des volontaires cultivent un grand potager prêté par la commune ; les légumes sont distribués chaque semaine.",
        "Épicerie solidaire de Mérignac",
        "Chemin de la Glacière",
        "hebdo",
        "le mercredi et le samedi matin",
        ["environnement", "entraide-quotidien"],
    ),
    (
        "33318",
        "Pessac connecté",
        "Des ateliers pour se servir d'internet en confiance.",
        "Messagerie, visioconférence avec les petits-enfants, démarches en ligne et arnaques à éviter : des ateliers en petits groupes.",
        "Médiathèque Jacques-Ellul",
        "Médiathèque",
        "hebdo",
        "le vendredi de 10 h à 12 h",
        ["numerique", "personnes-agees"],
    ),
    (
        "33522",
        "Les maraudes de Talence",
        "Aller à la rencontre des personnes à la rue, avec un café et un sourire.",
        "Deux soirs par semaine, des équipes de trois bénévoles distribuent boissons chaudes et produits d'hygiène, et orientent vers les accueils de jour.",
        "Collectif Talence Solidaire",
        "Départ devant la gare",
        "hebdo",
        "les mardi et vendredi à 20 h",
        ["entraide-quotidien", "sante-prevention"],
    ),
    (
        "33069",
        "Le Noël des Voisins du Bouscat",
        "Un goûter de fête pour que personne ne passe décembre seul.",
        "Chaque année, les voisins décorent la salle, préparent des gâteaux et vont chercher les aînés du quartier.",
        "Conseil de quartier",
        "Salle de l'Ermitage",
        "ponctuel",
        "un samedi de décembre, de 15 h à 18 h",
        ["culture-lien-social", "personnes-agees"],
    ),
    (
        "69123",
        "Les cuisines du monde de la Croix-Rousse",
        "Des ateliers de cuisine où chacun transmet une recette de chez lui.",
        "Une fois par mois, un habitant fait découvrir un plat de sa région ou de son pays ; on cuisine ensemble puis on partage le repas.",
        "Maison des jeunes et de la culture",
        "MJC, rue Pailleron",
        "mensuel",
        "un samedi par mois à 10 h",
        ["culture-lien-social"],
    ),
    (
        "59350",
        "Lille en vélo pour tous",
        "Réparer et prêter des vélos aux habitants qui n'en ont pas.",
        "Des mécaniciens bénévoles remettent en état des vélos donnés et les prêtent aux étudiants et aux demandeurs d'emploi.",
        "Atelier vélo solidaire",
        "Atelier, quartier Moulins",
        "hebdo",
        "le jeudi de 17 h à 20 h",
        ["environnement", "entraide-quotidien"],
    ),
    (
        "44109",
        "Les aidants du quai",
        "Un groupe de parole et de répit pour les proches aidants.",
        "Pendant que des bénévoles tiennent compagnie aux personnes aidées, les aidants se retrouvent pour souffler et échanger.",
        "Association Relais Aidants",
        "Maison de quartier",
        "mensuel",
        "le premier mardi du mois à 14 h",
        ["sante-prevention", "personnes-agees"],
    ),
    (
        "35238",
        "Troc de graines à Rennes",
        "Échanger graines et plants au printemps, entre jardiniers.",
        "Chaque printemps, une grande table de troc accueille graines, boutures et conseils ; les débutants repartent avec de quoi commencer.",
        "Les Jardins du Blosne",
        "Parc des Gayeulles",
        "ponctuel",
        "un dimanche d'avril",
        ["environnement", "culture-lien-social"],
    ),
]

PRACTICES = [
    (
        "orleans",
        "Comment Orléans a trouvé 200 volontaires en trois mois",
        "Un appel porté par le maire, des affiches dans chaque hall et un agent disponible : la méthode d'une ville moyenne.",
        """Au lancement de l'Heure Civique, la Ville d'Orléans s'était fixé un objectif modeste : cinquante volontaires avant l'été. Trois mois plus tard, ils étaient plus de deux cents.

## Ce qui a marché

- **Un appel personnel du maire**, relayé dans le bulletin municipal et sur les réseaux sociaux.
- **Les affiches à vos couleurs** dans chaque hall d'immeuble social, grâce au bailleur : le code QR mène directement à l'inscription.
- **Un agent du CCAS joignable** pour répondre aux questions, deux demi-journées par semaine.
- **Des premiers gestes faciles** proposés dès l'inscription : appeler une personne seule, faire une course.

## Ce que nous referions autrement

Nous aurions dû prévoir plus tôt des rencontres entre volontaires : ils ont besoin de se connaître pour rester engagés.""",
        ["Téléphoner à une personne seule", "Faire les courses d'un voisin âgé"],
        ["kit-de-lancement", "kit-communication"],
    ),
    (
        None,
        "Organiser le Noël des Voisins dans sa commune",
        "Du hall d'immeuble à la salle des fêtes : un calendrier en cinq étapes pour que personne ne passe décembre seul.",
        """Le Noël des Voisins réunit, avant les fêtes, les habitants d'une rue ou d'un immeuble autour d'un goûter. Il vise d'abord les personnes seules.

## Le calendrier

1. **Début novembre** : trouver deux ou trois voisins organisateurs et un lieu (hall, salle commune, salle municipale).
2. **Mi-novembre** : imprimer l'affiche et les invitations du kit, aux couleurs de votre portail.
3. **Fin novembre** : glisser une invitation dans chaque boîte aux lettres, et frapper chez les voisins âgés.
4. **Le jour J** : un chocolat chaud, des gâteaux, de la musique douce. Allez chercher ceux qui hésitent.
5. **Après** : notez les coordonnées de ceux qui veulent se revoir.

## Le rôle de la mairie

Prêter une salle et des tables, relayer l'invitation, et mobiliser le CCAS pour repérer les personnes isolées.""",
        ["Organiser le Noël des Voisins", "Partager un repas avec un voisin seul"],
        ["le-noel-des-voisins"],
    ),
    (
        "gironde",
        "Animer une permanence numérique pour les seniors",
        "Ce que la Gironde a appris de trente permanences dans les médiathèques du département.",
        """Les demandes sont toujours les mêmes : un téléphone à régler, des photos à retrouver, une démarche en ligne bloquée.

## Les conditions du succès

- **Un lieu connu** : la médiathèque ou la mairie, pas un local inconnu.
- **Un créneau fixe**, chaque semaine à la même heure.
- **Des bénévoles patients** plutôt que des experts : on fait *avec* la personne, jamais à sa place.
- **Une fiche mémo** à emporter pour refaire seul.

## Les pièges à éviter

Ne jamais noter les mots de passe des personnes aidées, et orienter vers l'espace France services pour les dossiers complexes.""",
        ["Aider à faire une démarche en ligne", "Installer et régler un smartphone"],
        ["kit-communication"],
    ),
    (
        "loiret",
        "Tenir le registre des personnes fragiles avant l'été",
        "Repérer, avec leur accord, les habitants à appeler pendant les canicules.",
        """Le registre des personnes fragiles permet à la mairie de prévenir et d'appeler les habitants isolés lors d'une alerte canicule ou grand froid.

## Comment le Loiret accompagne les communes

- un courrier type aux habitants de plus de 65 ans, au printemps ;
- l'inscription sur simple appel à la mairie ou par un proche, **avec l'accord de la personne** ;
- des volontaires de l'Heure Civique formés pour appeler chaque jour pendant l'alerte.

## À retenir

Le registre est confidentiel : seuls les agents désignés y ont accès, et les volontaires ne reçoivent que les coordonnées des personnes qu'ils appellent.""",
        [
            "Passer voir les personnes fragiles pendant la canicule",
            "Veiller sur les personnes isolées pendant le grand froid",
        ],
        ["kit-entraide-de-crise"],
    ),
    (
        None,
        "Accueillir les nouveaux habitants",
        "Une balade, un livret et un visage ami : faire d'un nouvel arrivant un voisin.",
        """S'installer dans une commune, c'est perdre ses repères. Un accueil simple change tout.

## Trois idées éprouvées

- **La balade d'accueil** : une heure à pied avec des habitants volontaires, de la mairie au marché.
- **Le livret des bonnes adresses**, écrit par les habitants eux-mêmes.
- **Le voisin parrain**, qui frappe à la porte dans la semaine de l'emménagement.

Chacun de ces gestes tient en une heure : proposez-les aux volontaires de l'Heure Civique.""",
        ["Accueillir un nouveau voisin", "Faire visiter le quartier aux nouveaux habitants"],
        ["kit-de-lancement"],
    ),
]
PALETTES = [
    ("#8fbf7f", "#d9ead3", "#4f7942"),
    ("#f2c14e", "#fbe7b5", "#d1495b"),
    ("#6fa8dc", "#cfe2f3", "#3d85c6"),
    ("#e69138", "#fce5cd", "#a64d79"),
]


def drawn_photo(seed: int) -> bytes:
    """A simple drawn scene (sky, hills, the sun, a few trees) standing in for a real photo."""
    rng = random.Random(seed)
    sky, light, accent = PALETTES[seed % len(PALETTES)]
    image = Image.new("RGB", (1200, 800), light)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1200, 420), fill=sky)
    draw.ellipse((880, 70, 1040, 230), fill="#fff4c2")
    for _hill in range(3):
        x = rng.randint(-200, 900)
        draw.ellipse((x, 330, x + rng.randint(600, 900), 800), fill=accent)
    for _tree in range(rng.randint(3, 7)):
        x, y = rng.randint(40, 1120), rng.randint(430, 640)
        draw.rectangle((x - 8, y, x + 8, y + 90), fill="#6b4f2b")
        draw.ellipse((x - 55, y - 90, x + 55, y + 20), fill="#3f6e3a")
    for _person in range(rng.randint(2, 5)):
        x = rng.randint(100, 1100)
        draw.ellipse((x - 18, 560, x + 18, 596), fill="#5b3a29")
        draw.rounded_rectangle(
            (x - 26, 598, x + 26, 700), 12, fill=rng.choice(["#cc0000", "#1155cc", "#38761d"])
        )
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85)
    return output.getvalue()


def load_demo_initiatives() -> int:
    """Create the demo initiatives and good practices once; return how many initiatives."""
    if Initiative.objects.exists():
        return 0
    organiser = get_user_model().objects.get(email="habitant@demo.test")
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    communes = {
        c.insee_code: c for c in Commune.objects.filter(insee_code__in={i[0] for i in INITIATIVES})
    }
    created = []
    for number, (
        insee,
        title,
        summary,
        body,
        run_by,
        place,
        frequency,
        schedule,
        slugs,
    ) in enumerate(INITIATIVES):
        if insee not in communes:
            continue
        upload = SimpleUploadedFile("photo.jpg", drawn_photo(number))
        initiative = services.propose_initiative(
            organiser=organiser,
            commune=communes[insee],
            themes=[themes[slug] for slug in slugs],
            photos=[(photo_variants(upload, max_bytes=8_000_000), f"Dessin : {summary.lower()}")],
            title=title,
            summary=summary,
            body=body,
            run_by=run_by,
            place=place,
            frequency=frequency,
            schedule=schedule,
            how_to_join="Écrivez à l'organisateur avec le formulaire « Ça m'intéresse », ou passez nous voir.",
        )
        created.append(initiative)
    # Most are published (three of them à la une); two wait for the moderators.
    now = timezone.now()
    for number, initiative in enumerate(created[:-2]):
        Initiative.objects.filter(pk=initiative.pk).update(
            status=Initiative.Status.PUBLISHED, published_at=now, featured=number in (0, 4, 13)
        )
    _load_practices()
    return len(created)


def _load_practices() -> None:
    for slug, title, summary, body, geste_titles, kit_slugs in PRACTICES:
        practice = GoodPractice.objects.create(
            title=title,
            summary=summary,
            body=body,
            territory=Territory.objects.get(slug=slug) if slug else None,
            status=GoodPractice.Status.PUBLISHED,
        )
        practice.gestes.set(Geste.objects.filter(title__in=geste_titles))
        practice.kits.set(Kit.objects.filter(slug__in=kit_slugs))
