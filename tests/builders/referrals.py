"""Building state for referral and document tests: partners, consents and small real files."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.services.clients import consent_record
from cooperation.models import Partner, PartnerKind
from hagen_zuhause.codes import ConsentScope

#: A minimal but complete one-page PDF.
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/MediaBox[0 0 200 200]/Parent 2 0 R>>endobj\n"
    b"trailer<</Root 1 0 R>>\n"
    b"%%EOF\n"
)


def image_bytes(image_format):
    """A real 4 × 4 pixel image in the given Pillow format ("JPEG", "PNG")."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (11, 79, 108)).save(buffer, image_format)
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    """A file as the browser sends it; the content type is whatever the browser claims."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_partner(
    organisation, name="Sozialpsychiatrischer Dienst Hagen", kind=PartnerKind.HEALTH_OFFICE_SPDI, **fields
):
    """A partner of the organisation, as Verwaltung creates it in the admin."""
    return Partner.objects.create(organisation=organisation, name=name, kind=kind, **fields)


def give_consent(client, partner, given_on, *, actor, expires_on=None, scope=ConsentScope.REFERRAL):
    """The client's consent to referrals to ``partner`` (recorded through the consent service)."""
    return consent_record(
        client=client, actor=actor, scope=scope, given_on=given_on, partner=partner, expires_on=expires_on
    )
