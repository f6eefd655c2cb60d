"""Give every municipal office the shipped letter templates, marked as to be checked by the city.

Offices created later get them from ``letter_templates_install`` (the demo data calls it). Reversing
removes only the shipped templates that nobody has changed, checked or written a letter from.
"""

from django.db import migrations

from cases import letter_texts


def add_shipped_templates(apps, schema_editor):
    Organisation = apps.get_model("hagen_zuhause", "Organisation")
    LetterTemplate = apps.get_model("cases", "LetterTemplate")
    for organisation in Organisation.objects.filter(kind="municipality"):
        titles = set(LetterTemplate.objects.filter(organisation=organisation).values_list("title", flat=True))
        for key, text in letter_texts.SHIPPED_TEMPLATES.items():
            if text["title"] in titles:
                continue
            LetterTemplate.objects.get_or_create(
                organisation=organisation,
                shipped_key=key,
                defaults={name: text[name] for name in ("title", "client_facing", "address_block", "subject")}
                | {"body_de": text["body_de"], "body_bg": text["body_bg"], "body_ro": text["body_ro"]},
            )


def remove_untouched_shipped_templates(apps, schema_editor):
    LetterTemplate = apps.get_model("cases", "LetterTemplate")
    LetterTemplate.objects.exclude(shipped_key="").filter(
        updated_by__isnull=True, confirmed_at__isnull=True, letters__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_letters"),
    ]

    operations = [migrations.RunPython(add_shipped_templates, remove_untouched_shipped_templates)]
