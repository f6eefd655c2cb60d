"""What the database keeps on each case for the report: the organisation and, once the case is closed,
the persons in the household (``Case.organisation``, ``Case.household_size_at_closing``).

The report counts the cases an organisation opened and closed in a period, and for the prevention cases
that kept a home, the persons in those households (DESIGN §4, ``housing_secured``). Reached through the
client, each count joined the cases to all of the organisation's clients (40 ms each on 100,000 clients,
on the team lead's start page and in every report); kept on the case, they come from one index.

* The organisation is the client's, which never changes (clients do not move between organisations).
* The persons are counted when the case is closed, as the placements count the persons moving in when
  they are proposed: the figure says how many people kept their home then. A child born or a member
  recorded after the closing does not change last year's figure, and neither does the retention
  period's redaction. Reopening the case forgets the count; closing it again counts anew. A later
  correction of the closing date or the outcome keeps it.

A row trigger keeps both on every write — forms, services, imports, the demo's COPY and bulk updates
alike; whatever the application writes into the two columns is replaced. It reads the client once: on a
new case (or a case moved to another client) for both columns, on a closing for the household only.
"""

import pgtrigger

#: On ``cases_case``, before each row is written.
KEEP_CASE_FIGURES = pgtrigger.Trigger(
    name="keep_case_figures",
    when=pgtrigger.Before,
    operation=pgtrigger.Insert | pgtrigger.Update,
    func="""
    IF TG_OP = 'INSERT' OR NEW.client_id IS DISTINCT FROM OLD.client_id THEN
        SELECT client.organisation_id,
               CASE WHEN NEW.closed_on IS NOT NULL THEN client.household_size END
        INTO NEW.organisation_id, NEW.household_size_at_closing
        FROM cases_client AS client WHERE client.id = NEW.client_id;
    ELSE
        NEW.organisation_id := OLD.organisation_id;
        IF NEW.closed_on IS NULL THEN
            NEW.household_size_at_closing := NULL;
        ELSIF OLD.closed_on IS NULL THEN
            SELECT client.household_size INTO NEW.household_size_at_closing FROM cases_client AS client
            WHERE client.id = NEW.client_id;
        ELSE
            NEW.household_size_at_closing := OLD.household_size_at_closing;
        END IF;
    END IF;
    RETURN NEW;
""",
)
