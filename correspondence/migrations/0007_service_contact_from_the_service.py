"""The contact of the service in charge now comes from the service itself (core.Service: postal
address, e-mail address, phone, R112-5), so the template's free-text "service contact" goes.
The default letter gains the date at which silence means a decision ({date_decision_implicite})
and the attestation of an implicit acceptance: a town that never changed the default text gets
the new one; a text the town wrote stays as it is. The texts are written here, not imported:
this migration must not change with the app."""

from django.db import migrations, models

OLD_DEFAULT = "Madame, Monsieur,\n\nNous avons bien reçu le {date_reception} votre {canal} concernant : {categorie}.\n\nVotre demande a été transmise au service {service}, chargé de son traitement.\nVous pouvez le joindre : {contact_service}.\n\nNous nous engageons à vous répondre au plus tard le {echeance} ({delai}).\n\nSauf disposition contraire, le silence gardé pendant deux mois par l'administration sur une demande vaut accord. Lorsque la demande relève d'une exception prévue par la loi ou un décret, ce silence vaut rejet et vous pouvez former un recours devant le tribunal administratif dans un délai de deux mois à compter de la date de cette décision implicite. Si votre demande est incomplète, nous vous indiquerons les pièces manquantes et le délai pour les fournir ; ce délai suspend alors les délais ci-dessus.\n\nRéférence à rappeler dans toute correspondance : {reference}.\n\nVeuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.\n\n{signature}"
NEW_DEFAULT = "Madame, Monsieur,\n\nNous avons bien reçu le {date_reception} votre {canal} concernant : {categorie}.\n\nVotre demande a été transmise au service {service}, chargé de son traitement.\nVous pouvez le joindre : {contact_service}.\n\nNous nous engageons à vous répondre au plus tard le {echeance} ({delai}).\n\nLorsque votre demande appelle une décision de l'administration, le silence gardé pendant deux mois vaut accord, sauf disposition contraire : faute de réponse, votre demande sera réputée acceptée le {date_decision_implicite}, et vous pourrez obtenir sur simple demande une attestation de cette décision (article L232-3 du Code des relations entre le public et l'administration). Lorsque la demande relève d'une exception prévue par la loi ou un décret, ce silence vaut rejet à la même date : vous pouvez alors former un recours gracieux auprès de la mairie ou un recours devant le tribunal administratif dans un délai de deux mois à compter de cette décision implicite. Si votre demande est incomplète, nous vous indiquerons les pièces manquantes et le délai pour les fournir ; ce délai suspend alors les délais ci-dessus.\n\nRéférence à rappeler dans toute correspondance : {reference}.\n\nVeuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.\n\n{signature}"


def follow_the_new_default(apps, schema_editor):
    AcknowledgementTemplate = apps.get_model("correspondence", "AcknowledgementTemplate")
    AcknowledgementTemplate.objects.filter(body=OLD_DEFAULT).update(body=NEW_DEFAULT)


def back_to_the_old_default(apps, schema_editor):
    AcknowledgementTemplate = apps.get_model("correspondence", "AcknowledgementTemplate")
    AcknowledgementTemplate.objects.filter(body=NEW_DEFAULT).update(body=OLD_DEFAULT)


class Migration(migrations.Migration):
    dependencies = [
        ("correspondence", "0006_request_open_due_index"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="acknowledgementtemplate",
            name="service_contact",
        ),
        migrations.AlterField(
            model_name="acknowledgementtemplate",
            name="body",
            field=models.TextField(default=NEW_DEFAULT, verbose_name="texte du courrier"),
        ),
        migrations.RunPython(follow_the_new_default, back_to_the_old_default),
    ]
