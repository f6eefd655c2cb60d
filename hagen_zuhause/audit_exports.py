"""The team lead's CSV exports of the access log and of the change history, as filtered on the audit pages.

Both are pseudonymised like the client export: clients appear by case number, never by name or id.
The history export lists who changed which field of which record when; the values before and after
(with restricted fields masked, as on every history page) only with ``?values=1``. Both stream their
rows and write them through ``hagen_zuhause.spreadsheets`` (no formula from entered text).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from hagen_zuhause.audit import name_records
from hagen_zuhause.history_rows import describe_events
from hagen_zuhause.spreadsheets import csv_lines

#: Rows read and named per step: memory and the queries for case numbers stay bounded.
CHUNK = 500
#: The history export holds at most this many events, newest first. Reading the history goes
#: limit-first (hagen_zuhause.history); a longer span is exported in parts, narrowed by date.
HISTORY_EXPORT_LIMIT = 10_000


def access_log_lines(entries, viewer):
    """The CSV lines of access-log entries (a filtered queryset, newest first)."""
    return csv_lines(_access_log_rows(entries, viewer))


def _access_log_rows(entries, viewer):
    yield [_("Time"), _("User"), _("Action"), _("Record type"), _("Record"), _("Detail"), _("Request id")]
    batch = []
    for entry in entries.iterator(chunk_size=CHUNK):
        batch.append(entry)
        if len(batch) == CHUNK:
            yield from _access_log_batch(batch, viewer)
            batch = []
    yield from _access_log_batch(batch, viewer)


def _access_log_batch(entries, viewer):
    for entry in name_records(entries, viewer):
        yield [
            _time(entry.at),
            str(entry.user) if entry.user else entry.actor,
            entry.get_action_display(),
            str(entry.object_type_label),
            entry.record_label,
            entry.detail,
            entry.request_id,
        ]


def history_lines(events, viewer, *, with_values=False):
    """The CSV lines of history events (a filtered ``EventList``): one line per changed field."""
    return csv_lines(_history_rows(events, viewer, with_values=with_values))


def _history_rows(events, viewer, *, with_values):
    header = [_("Time"), _("Changed by"), _("Command"), _("Record type"), _("Record"), _("Client"), _("Change")]
    yield header + ([_("Field"), _("Before"), _("After")] if with_values else [_("Field")])
    for start in range(0, HISTORY_EXPORT_LIMIT, CHUNK):
        chunk = list(events[start : start + CHUNK])
        for row in describe_events(chunk, viewer):
            yield from _history_lines_of(row, with_values)
        if len(chunk) < CHUNK:
            break


def _history_lines_of(row, with_values):
    # Pseudonymised: a record by its case number when it is a client, else only by its kind; names of
    # records ("Georgi Ivanov → Bahnhofstr. 3") and values only in the export with values.
    record = row["record"] if with_values or row["client_number"] == row["record"] else ""
    shared = [_time(row["at"]), row["actor"], row["command"], str(row["record_type"]), record, row["client"]]
    shared.append(str(row["label"]))
    changes = row["changes"] or [{"field": "", "before": "", "after": ""}]
    for change in changes:
        if with_values:
            before = "" if row["values_only"] else str(change["before"])
            yield [*shared, str(change["field"]), before, str(change["after"])]
        else:
            yield [*shared, str(change["field"])]


def _time(moment):
    return f"{timezone.localtime(moment):%d.%m.%Y %H:%M:%S}"


def export_file_name(kind):
    return f"{kind}-{timezone.localdate():%Y-%m-%d}.csv"
