"""CSV imports of clients and contacts (DESIGN §5: the file format is a promise to users).

A file is read and checked completely before anything is written: every bad row is reported with
its line number as in the file (the header is line 1), the column and a German reason. Without
``skip_invalid`` one bad row means nothing is imported; with it the valid rows are imported and the
bad ones reported. Importing the same file again creates nothing new: clients are recognised by
their ``reference`` (old file number, unique per organisation), contacts by ``Contact.import_key``.
Everything a run writes happens in one transaction, with bulk inserts, so that 10,000 rows take
seconds and a refusal of the database at the very end still leaves nothing behind.

The pure functions (``read_table``, ``parse_date``, ``check_client_row`` …) know nothing of the
database; ``validate_*`` add what the database already holds, ``import_*`` are the services.

The package: ``results`` (kinds, problems, the report), ``reading`` (the file format and the CSV
reader), ``values`` (single values), ``clients`` and ``contacts`` (checking and importing each
kind), ``pending`` (the web import's entry points and the uploads awaiting confirmation).
"""

from cases.imports.clients import ClientRow, check_client_row, import_clients, validate_clients
from cases.imports.contacts import (
    ContactRow,
    check_contact_row,
    default_worker,
    import_contacts,
    import_key,
    validate_contacts,
)
from cases.imports.pending import (
    PENDING_DIR,
    PENDING_MAX_AGE,
    digest,
    pending_discard,
    pending_import,
    pending_prune,
    pending_read,
    pending_store,
    run_import,
    validate,
)
from cases.imports.reading import (
    CLIENT_COLUMNS,
    CLIENT_REQUIRED,
    CONTACT_COLUMNS,
    CONTACT_REQUIRED,
    MAX_FILE_SIZE,
    decode,
    detect_delimiter,
    read_table,
)
from cases.imports.results import BATCH_SIZE, FieldProblem, FileProblem, ImportReport, Kind, Problem
from cases.imports.values import (
    EARLIEST_DATE,
    MAX_DURATION_MINUTES,
    parse_code,
    parse_date,
    parse_duration,
    parse_nationality,
    parse_target_groups,
    parse_text,
)

__all__ = [
    "BATCH_SIZE",
    "CLIENT_COLUMNS",
    "CLIENT_REQUIRED",
    "CONTACT_COLUMNS",
    "CONTACT_REQUIRED",
    "EARLIEST_DATE",
    "MAX_DURATION_MINUTES",
    "MAX_FILE_SIZE",
    "PENDING_DIR",
    "PENDING_MAX_AGE",
    "ClientRow",
    "ContactRow",
    "FieldProblem",
    "FileProblem",
    "ImportReport",
    "Kind",
    "Problem",
    "check_client_row",
    "check_contact_row",
    "decode",
    "default_worker",
    "detect_delimiter",
    "digest",
    "import_clients",
    "import_contacts",
    "import_key",
    "parse_code",
    "parse_date",
    "parse_duration",
    "parse_nationality",
    "parse_target_groups",
    "parse_text",
    "pending_discard",
    "pending_import",
    "pending_prune",
    "pending_read",
    "pending_store",
    "read_table",
    "run_import",
    "validate",
    "validate_clients",
    "validate_contacts",
]
