"""What the database keeps from the contacts for the report: on which days of a year each client had a
contact (:class:`ContactDays`), and how many contacts of each kind an organisation had on each day
(:class:`ContactCount`).

The report's two largest figures count the contacts of a period: the persons with at least one contact,
split by gender, age, nationality and target group, and the contacts by kind. Counted from the contacts
themselves, the report's three columns read the 1.4 million contacts of a year on 100,000 clients (about
two seconds), and the team lead's start page a quarter's (one second). Kept per client and year and per
organisation and day, the same figures come from a row per client and a few thousand counts.

Both are derived data, kept by the database in the transaction that writes the contact — forms,
services, imports, the demo's COPY and bulk updates alike — so that they always say what the contacts
say (a test compares the figures both ways):

* statement triggers on ``cases_contact`` (one run per statement, so a bulk load of thousands of
  contacts costs a few statements, not thousands);
* an insert sets the day's bit and adds to the day's count; a delete, or an update that changes the
  client, the date or the kind, subtracts from the counts and recounts the days of the clients and years
  it touched from their remaining contacts;
* every statement first locks the clients it touches and only then reads, in a statement of its own:
  a recount never misses a contact that a concurrent transaction added for the same client (the waiting
  list's triggers lock the same way, ``waiting_list.py``);
* a trigger on both tables refuses any write that does not come from those triggers: the application,
  its role and the owning role alike can only change them by changing contacts.

The organisation of a row is its client's, which never changes (clients do not move between
organisations). A period is any range of days: a mask of its days per year (:func:`day_mask`), two rows
per client for a range across 31 December. The drill-down lists the contacts themselves.
"""

import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _

from hagen_zuhause import codes
from hagen_zuhause.models import Organisation

#: Days of a year, one bit each (366 in a leap year); day n of the year is bit n - 1, from the left.
DAYS_IN_A_YEAR = 366


class DayBits(models.Field):
    """A year's days as PostgreSQL ``bit(366)``: day n of the year is bit n - 1, counted from the left."""

    description = _("days of a year")

    def db_type(self, connection):
        return f"bit({DAYS_IN_A_YEAR})"


def day_mask(start, end):
    """The bits of the days ``start`` to ``end`` (both inclusive, both in the same year), as SQL reads them."""
    if start.year != end.year:
        raise ValueError("a day mask covers days of one year")
    first, last = start.timetuple().tm_yday, end.timetuple().tm_yday
    return "0" * (first - 1) + "1" * (last - first + 1) + "0" * (DAYS_IN_A_YEAR - last)


# --- The triggers --------------------------------------------------------------------------------

_LOCK = """
    PERFORM 1 FROM cases_client WHERE id IN (SELECT client_id FROM ({rows}) AS touched) ORDER BY id
        FOR NO KEY UPDATE;
"""

#: The bits of one contact's day.
_DAY_BIT = f"set_bit(B'0'::bit({DAYS_IN_A_YEAR}), EXTRACT(DOY FROM {{table}}.date)::int - 1, 1)"

_ADD_DAYS = f"""
    INSERT INTO cases_contactdays AS kept (organisation_id, client_id, year, days)
    SELECT client.organisation_id, added.client_id, EXTRACT(YEAR FROM added.date)::int,
           bit_or({_DAY_BIT.format(table="added")})
    FROM ({{rows}}) AS added
    JOIN cases_client AS client ON client.id = added.client_id
    GROUP BY 1, 2, 3
    ORDER BY 2, 3
    ON CONFLICT (client_id, year) DO UPDATE SET days = kept.days | EXCLUDED.days;
"""

# Delete and write again the rows of the (client, year) pairs touched, from the contacts left.
_RECOUNT_DAYS = f"""
    DELETE FROM cases_contactdays AS kept
    USING (SELECT DISTINCT client_id, EXTRACT(YEAR FROM date)::int AS year FROM ({{rows}}) AS rows) AS touched
    WHERE kept.client_id = touched.client_id AND kept.year = touched.year;
    INSERT INTO cases_contactdays (organisation_id, client_id, year, days)
    SELECT client.organisation_id, contact.client_id, touched.year, bit_or({_DAY_BIT.format(table="contact")})
    FROM (SELECT DISTINCT client_id, EXTRACT(YEAR FROM date)::int AS year FROM ({{rows}}) AS rows) AS touched
    JOIN cases_contact AS contact
        ON contact.client_id = touched.client_id
        AND contact.date BETWEEN make_date(touched.year, 1, 1) AND make_date(touched.year, 12, 31)
    JOIN cases_client AS client ON client.id = contact.client_id
    GROUP BY 1, 2, 3
    ORDER BY 2, 3;
"""

_ADD_COUNTS = """
    INSERT INTO cases_contactcount AS kept (organisation_id, date, contact_type, contacts)
    SELECT client.organisation_id, added.date, added.contact_type, COUNT(*)
    FROM ({rows}) AS added
    JOIN cases_client AS client ON client.id = added.client_id
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (organisation_id, date, contact_type) DO UPDATE SET contacts = kept.contacts + EXCLUDED.contacts;
"""

_SUBTRACT_COUNTS = """
    UPDATE cases_contactcount AS kept SET contacts = kept.contacts - gone.contacts
    FROM (
        SELECT client.organisation_id, removed.date, removed.contact_type, COUNT(*) AS contacts
        FROM ({rows}) AS removed
        JOIN cases_client AS client ON client.id = removed.client_id
        GROUP BY 1, 2, 3
    ) AS gone
    WHERE kept.organisation_id = gone.organisation_id AND kept.date = gone.date
        AND kept.contact_type = gone.contact_type;
"""

_ON_INSERT = (_LOCK + _ADD_DAYS + _ADD_COUNTS).format(rows="SELECT * FROM new_rows") + "    RETURN NULL;\n"

_ON_DELETE = (_LOCK + _SUBTRACT_COUNTS + _RECOUNT_DAYS).format(rows="SELECT * FROM old_rows") + "    RETURN NULL;\n"

# Only the rows whose client, date or kind changed (anonymisation rewrites the notes of thousands of
# contacts at once): a set difference of the two transition tables, which PostgreSQL hashes, where a
# join of them (tables without statistics) could be planned as a loop over both.
_CHANGED = """
    SELECT id, client_id, date, contact_type FROM {side}
    EXCEPT ALL
    SELECT id, client_id, date, contact_type FROM {other}
"""

_GONE = _CHANGED.format(side="old_rows", other="new_rows")
_CAME = _CHANGED.format(side="new_rows", other="old_rows")
# EXCEPT and UNION bind alike, from the left: each difference in parentheses of its own.
_GONE_AND_CAME = f"({_GONE}) UNION ALL ({_CAME})"

_ON_UPDATE = (
    f"    IF NOT EXISTS ({_GONE}) THEN\n        RETURN NULL;\n    END IF;\n"
    + _LOCK.format(rows=_GONE_AND_CAME)
    + _SUBTRACT_COUNTS.format(rows=_GONE)
    + _ADD_COUNTS.format(rows=_CAME)
    + _RECOUNT_DAYS.format(rows=_GONE_AND_CAME)
    + "    RETURN NULL;\n"
)

#: On ``cases_contact``: one statement trigger per kind of write (transition tables allow one event each).
CONTACT_TALLY_TRIGGERS = [
    pgtrigger.Trigger(
        name=f"contact_tallies_{operation.name.lower()}",
        when=pgtrigger.After,
        operation=operation,
        level=pgtrigger.Statement,
        referencing=referencing,
        func=func,
    )
    for operation, referencing, func in [
        (pgtrigger.Insert, pgtrigger.Referencing(new="new_rows"), _ON_INSERT),
        (pgtrigger.Delete, pgtrigger.Referencing(old="old_rows"), _ON_DELETE),
        (pgtrigger.Update, pgtrigger.Referencing(old="old_rows", new="new_rows"), _ON_UPDATE),
    ]
]

#: On both tallies: only the triggers above (trigger depth 2 and more) write them.
KEPT_FROM_CONTACTS = pgtrigger.Trigger(
    name="kept_from_contacts",
    when=pgtrigger.Before,
    operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
    level=pgtrigger.Statement,
    func="""
    IF pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'Die Kontaktzählung führt die Datenbank aus den Kontakten; sie wird nicht direkt geändert.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
""",
)


class ContactDays(models.Model):
    """The days of a year on which a client had at least one contact (kept by the database)."""

    # Indexed by contact_days_organisation, which starts with the organisation (see Meta.indexes).
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    client = models.ForeignKey(
        "cases.Client", verbose_name=_("client"), on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    days = DayBits(_("days with a contact"))

    class Meta:
        verbose_name = _("days with a contact")
        verbose_name_plural = _("days with a contact")
        constraints = [models.UniqueConstraint(fields=["client", "year"], name="contact_days_unique")]
        indexes = [models.Index(fields=["organisation", "year"], name="contact_days_organisation")]
        triggers = [KEPT_FROM_CONTACTS]

    def __str__(self):
        return f"{self.client_id} {self.year}"


class ContactCount(models.Model):
    """The number of contacts of one kind an organisation had on one day (kept by the database).

    A count that falls to zero stays as a row with 0."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    date = models.DateField(_("date"))
    contact_type = models.CharField(_("kind of contact"), max_length=15, choices=codes.ContactType.choices)
    contacts = models.PositiveIntegerField(_("contacts"))

    class Meta:
        verbose_name = _("contacts per day")
        verbose_name_plural = _("contacts per day")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date", "contact_type"], name="contact_count_unique"),
            models.CheckConstraint(condition=models.Q(contacts__gte=0), name="contact_count_not_negative"),
        ]
        triggers = [KEPT_FROM_CONTACTS]

    def __str__(self):
        return f"{self.date} {self.contact_type}: {self.contacts}"
