"""Uploading documents to a client (consent scans, letters, court papers).

Files are stored under ``MEDIA_ROOT/documents/<organisation>/<year>/<month>/<random token>``:
the stored path never contains the client's name or the original file name, and MEDIA_ROOT is
private (never routed); downloads go through the permission-checked view only.
"""

from django.db import transaction

from cases.models import Document
from cases.services.restriction import refuse_if_processing_restricted
from hagen_zuhause.uploads import store_upload


@transaction.atomic
def document_upload(*, client, uploaded_file, kind, description, actor):
    """Store an uploaded file on a client after checking its size and its type by content.

    Raises ``ValidationError`` (German message) for empty, too large or wrong files.
    """
    refuse_if_processing_restricted(client)
    return store_upload(
        model=Document, uploaded_file=uploaded_file, description=description, actor=actor, client=client, kind=kind
    )
