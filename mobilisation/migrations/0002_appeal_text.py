"""The text of the Appel, written for L'Heure Civique; the national team edits it in the admin."""

from django.db import migrations

from heurecivique.text import render_markdown

TITLE = "Appel à la Mobilisation Solidaire"

LEAD = (
    "Nous, élus des communes, des départements et de la Nation, appelons chaque habitant à donner "
    "une heure par mois à ses voisins, et nous engageons nos collectivités à l'y aider. Parce que "
    "la générosité citoyenne doit irriguer l'action publique."
)

BODY = """\
## Ce que nous constatons

- Beaucoup de nos concitoyens traversent une période de lassitude et de doute. L'isolement a gagné du terrain, chez les plus âgés comme chez les plus jeunes.
- Notre modèle social est sous tension : la population vieillit, les besoins d'accompagnement grandissent, et les moyens publics ne suivent pas au même rythme.
- Les associations peinent à renouveler leurs bénévoles, et il devient difficile de mobiliser durablement les habitants.
- Les liens de voisinage, si précieux dans les moments difficiles, se sont distendus.

Et pourtant, la générosité est là. Chaque crise le rappelle : des voisins font les courses d'une personne fragile, prennent des nouvelles, prêtent la main. Cette énergie existe ; elle ne demande qu'à être encouragée.

## Ce que nous croyons

La cohésion d'un territoire tient à trois solidarités, qui se complètent sans se remplacer :

- **la solidarité familiale**, la première et la plus naturelle, qui ne peut pas tout porter seule ;
- **la solidarité organisée**, celle des mairies et de leurs CCAS, des départements et des associations ;
- **la solidarité de proximité**, spontanée et discrète, celle du palier, de la rue et du quartier.

C'est cette troisième solidarité que les institutions peuvent éveiller, outiller et accompagner, sans jamais prétendre la diriger. La mairie, au plus près des habitants, en est le point d'appui naturel.

## Ce que nous voulons

- Faire des solidarités de proximité une priorité des politiques publiques, à l'échelle du pays.
- Déployer dans chaque territoire un programme concret de mobilisation solidaire, porté par les communes et les départements.
- Offrir à chacun une manière simple, à sa portée, de s'engager près de chez soi, et qui puisse être la première marche d'un engagement plus grand.

## Ce que nous proposons : l'Heure Civique

Nous proposons à chaque habitant de donner **60 minutes par mois** à une action de solidarité près de chez lui : rendre visite à un voisin âgé, l'aider dans une démarche en ligne, nettoyer un square, prêter main-forte à une association. Une heure, chacun peut la trouver. À plusieurs, elle change la vie d'un quartier.

Nos collectivités s'engagent à faire connaître l'Heure Civique, à mettre à la disposition des habitants des idées de gestes et des outils à leurs couleurs, à valoriser les initiatives locales et à accompagner les volontaires tout au long de l'année.

Nous appelons les élus de France à signer cet Appel, et chaque habitant à donner son heure.
"""


def write_appeal(apps, schema_editor):
    Appeal = apps.get_model("mobilisation", "Appeal")
    Appeal.objects.update_or_create(
        pk=1,
        defaults={
            "title": TITLE,
            "lead": LEAD,
            "body": BODY,
            # What Appeal.save() would compute (historical models have no save()).
            "body_html": render_markdown(BODY),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("mobilisation", "0001_initial")]

    operations = [migrations.RunPython(write_appeal, migrations.RunPython.noop)]
