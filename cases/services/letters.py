"""Letters (Schreiben): keeping the templates, composing a letter for a client and saving it as a PDF document.

A letter is composed from a template, the client, the writing worker, the office and the records chosen
for it (notice, appointment, partner and scope of a consent, flat). Client-facing letters print the
German text first, as the binding one, and then the translation into the client's language (Bulgarian
or Romanian) with a note that the German text is binding. The PDF is rendered through the one PDF
service (``reports.pdf``) on the organisation's letterhead and stored as a document of the client.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import letter_texts
from cases.letter_placeholders import empty_placeholders, fill
from cases.models import Client, Document, Letter, LetterTemplate
from cases.services.restriction import refuse_if_processing_restricted
from hagen_zuhause.codes import ConsentScope, DocumentKind
from hagen_zuhause.locking import lock_for_edit
from hagen_zuhause.uploads import store_upload

# --- Templates ----------------------------------------------------------------------------


@transaction.atomic
def letter_template_save(*, template, actor, confirmed, version=""):
    """Save a letter template of the actor's organisation; placeholders not in the list are refused.

    ``confirmed`` records that the city has checked the text: the template loses its mark "Vorlage – vor
    Verwendung von der Stadt zu prüfen".
    """
    if template.pk:
        stored = lock_for_edit(template, version)
        if stored.organisation_id != actor.organisation_id:
            raise ValidationError(_("This template belongs to another organisation."))
    else:
        template.organisation_id = actor.organisation_id
    template.full_clean()
    if confirmed and template.confirmed_at is None:
        template.confirmed_at, template.confirmed_by = timezone.now(), actor
    elif not confirmed:
        template.confirmed_at, template.confirmed_by = None, None
    template.updated_at, template.updated_by = timezone.now(), actor
    template.save()
    return template


def shipped_template_fields(key):
    """The fields of the shipped template ``key`` (see ``cases.letter_texts``), for a new row."""
    text = letter_texts.SHIPPED_TEMPLATES[key]
    return {
        "shipped_key": key,
        "title": text["title"],
        "client_facing": text["client_facing"],
        "address_block": text["address_block"],
        "subject": text["subject"],
        "body_de": text["body_de"],
        "body_bg": text["body_bg"],
        "body_ro": text["body_ro"],
    }


@transaction.atomic
def letter_templates_install(*, organisation):
    """Give an organisation the shipped templates it lacks (unchecked); returns how many were added.

    A shipped template the team lead changed or renamed is left as it is; one whose title is taken by
    the organisation's own template is not added.
    """
    existing = LetterTemplate.objects.filter(organisation=organisation)
    keys = set(existing.exclude(shipped_key="").values_list("shipped_key", flat=True))
    titles = set(existing.values_list("title", flat=True))
    added = 0
    for key in letter_texts.SHIPPED_TEMPLATES:
        fields = shipped_template_fields(key)
        if key in keys or fields["title"] in titles:
            continue
        LetterTemplate.objects.create(organisation=organisation, **fields)
        added += 1
    return added


# --- Composing a letter -------------------------------------------------------------------


def suggested_language(client, template):
    """The translation a letter to ``client`` gets: the first of the client's languages the template has."""
    available = template.translation_languages
    return next((language for language in client.languages if language in available), "")


def _date(day):
    return f"{day:%d.%m.%Y}" if day else ""


def _number(value, places):
    if value is None:
        return ""
    text = f"{value:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _lines(text, separator):
    return separator.join(line.strip() for line in (text or "").splitlines() if line.strip())


@dataclass
class Choices:
    """The records a letter refers to, chosen by the worker (each may be empty)."""

    notice: object = None
    appointment: object = None
    partner: object = None
    consent_scope: str = ""
    offer: object = None


def letter_values(*, client, worker, choices, language="de"):
    """Every placeholder's value for one letter, as text; ``language`` words the consent's scope."""
    organisation = client.organisation
    office_address = _lines(organisation.address, ", ")
    if client.reachable_via_office:
        client_address = "\n".join(["c/o " + organisation.name, *organisation.address_lines])
    else:
        client_address = _lines(client.postal_address, "\n")
    values = {
        "client.name": client.full_name,
        "client.first_name": client.first_name,
        "client.last_name": client.last_name,
        "client.address": client_address,
        "client.case_number": client.case_number,
        "client.household_size": str(1 + client.household_members.count()),
        "date": _date(timezone.localdate()),
        "worker.name": worker.get_full_name() or worker.get_username(),
        "worker.phone": worker.phone or organisation.phone,
        "worker.email": worker.email or organisation.email,
        "organisation.name": organisation.name,
        "organisation.address": office_address,
        "organisation.city": organisation.city,
        "organisation.phone": organisation.phone,
        "organisation.email": organisation.email,
    }
    notice = choices.notice
    if notice is not None:
        values.update(
            {
                "notice.court_file_number": notice.court_file_number,
                "notice.received_date": _date(notice.received_on),
                "notice.hearing_date": _date(notice.hearing_on),
                "notice.landlord": notice.landlord_name,
            }
        )
    appointment = choices.appointment
    if appointment is not None:
        values.update(
            {
                "appointment.date": _date(appointment.date),
                "appointment.time": f"{appointment.start_time:%H:%M}",
                "appointment.place": appointment.place,
            }
        )
    if choices.partner is not None:
        values.update({"partner.name": choices.partner.name, "partner.address": _lines(choices.partner.address, "\n")})
    if choices.consent_scope:
        values["consent.scope"] = letter_texts.CONSENT_SCOPES[language].get(choices.consent_scope, "")
    offer = choices.offer
    if offer is not None:
        address = " ".join(part for part in (offer.street + ",", offer.postcode, organisation.city) if part)
        values.update(
            {
                "offer.address": address.strip(" ,"),
                "offer.rooms": _number(offer.rooms, 1).removesuffix(",0"),
                "offer.living_space": _number(offer.living_space, 1).removesuffix(",0"),
                "offer.cold_rent": f"{_number(offer.cold_rent, 2)} €",
                "offer.landlord": offer.landlord.name,
                "offer.landlord_address": _lines(offer.landlord.address, "\n"),
            }
        )
    return values


@dataclass
class ComposedLetter:
    """A letter's texts with the placeholders filled in, ready for the preview and the PDF."""

    template: LetterTemplate
    language: str
    address: str
    subject: str
    body: str
    translation: str = ""
    translation_heading: str = ""
    translation_note: str = ""
    binding_note: str = ""
    empty: list = field(default_factory=list)


def letter_compose(*, template, client, worker, choices, language=""):
    """Fill a template for one client; refuse a translation the template does not have."""
    if language and language not in template.translation_languages:
        raise ValidationError(
            {"language": _("This template has no translation into the chosen language. Please choose another.")}
        )
    values = letter_values(client=client, worker=worker, choices=choices)
    texts = [template.address_block, template.subject, template.body_de]
    letter = ComposedLetter(
        template=template,
        language=language,
        address=fill(template.address_block, values),
        subject=fill(template.subject, values),
        body=fill(template.body_de, values),
        empty=empty_placeholders(values, *texts),
    )
    if language:
        translated_values = letter_values(client=client, worker=worker, choices=choices, language=language)
        translation = template.translation(language)
        letter.translation = fill(translation, translated_values)
        letter.translation_heading, letter.translation_note = letter_texts.TRANSLATION_HEADINGS[language]
        letter.binding_note = letter_texts.GERMAN_BINDING_NOTE[language]
        letter.empty += [
            name for name in empty_placeholders(translated_values, translation) if name not in letter.empty
        ]
    return letter


def _check_choices(*, client, choices):
    """The chosen records must be the client's and the office's own: the form's lists are, a forged request not."""
    if choices.notice is not None and choices.notice.client_id != client.pk:
        raise ValidationError(_("Please choose a notice of this person."))
    if choices.appointment is not None and choices.appointment.client_id != client.pk:
        raise ValidationError(_("Please choose an appointment of this person."))
    for record in (choices.partner, choices.offer):
        if record is not None and record.organisation_id != client.organisation_id:
            raise ValidationError(_("Please choose a record of your own office."))
    if choices.consent_scope and choices.consent_scope not in ConsentScope.values:
        raise ValidationError(_("Please choose the scope of the consent."))


def letter_pdf(letter, *, organisation):
    """The PDF of a composed letter on the organisation's letterhead."""
    from reports.pdf import render_template

    context = {"letter": letter, "organisation": organisation, "today": timezone.localdate()}
    return render_template("cases/letter_pdf.html", context)


@transaction.atomic
def letter_create(*, template, client, actor, choices, language=""):
    """Write a letter for a client: render its PDF and save it as a document of the client.

    A double submit is the page's concern (``hagen_zuhause.submit_once``): the service writes every
    letter it is asked for.
    """
    refuse_if_processing_restricted(client)
    client = Client.objects.select_related("organisation").get(pk=client.pk)
    if template.organisation_id != client.organisation_id or not template.active:
        raise ValidationError(_("Please choose a letter template in use."))
    _check_choices(client=client, choices=choices)
    composed = letter_compose(template=template, client=client, worker=actor, choices=choices, language=language)
    # The file is named after the template and the day, never after the person.
    name = f"{template.title[:150]} {timezone.localdate():%Y-%m-%d}.pdf".replace("/", "-")
    pdf = ContentFile(letter_pdf(composed, organisation=client.organisation), name=name)
    description = template.title if not language else f"{template.title} ({Letter.Language(language).label})"
    document = store_upload(
        model=Document,
        uploaded_file=pdf,
        description=str(description)[:200],
        actor=actor,
        client=client,
        kind=DocumentKind.LETTER,
    )
    return Letter.objects.create(
        client=client,
        template=template,
        document=document,
        language=language,
        created_by=actor,
    )
