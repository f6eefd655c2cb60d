"""What the database keeps on each client for the waiting list: the household's size and the open
provision case (``Client.household_size``, ``Client.waiting_since``, ``Client.waiting_case``).

Matching ranks every household waiting for a flat by size and waiting time. Counted per request, that
meant reading the members and the cases of tens of thousands of households; kept on the client, the
waiting households come from one narrow index (``client_waiting_list``). The database keeps them, so
that no write path can forget them — forms, services, imports, the demo load and bulk updates alike:

* statement triggers on household members and cases recount the clients a statement touched (once per
  statement, so a bulk load of thousands of members costs one update, not thousands);
* each recount first locks the clients it recounts and only then counts, in a statement of its own:
  two transactions adding members to one household wait for each other and both count;
* a trigger on the client keeps the three columns from the application: a client saved from an object
  read before a member was added would otherwise write the old size back. Only the recounts below
  (which run inside a trigger) change them.

The change history does not track them (they are derived from tracked rows).
"""

import pgtrigger

#: The clients a statement touched, per kind of statement, from its transition tables.
_TOUCHED = {
    pgtrigger.Insert: "SELECT client_id FROM new_rows",
    pgtrigger.Delete: "SELECT client_id FROM old_rows",
    pgtrigger.Update: "SELECT client_id FROM old_rows UNION SELECT client_id FROM new_rows",
}

_LOCK = """
    PERFORM 1 FROM cases_client WHERE id IN ({touched}) ORDER BY id FOR NO KEY UPDATE;
"""

_RECOUNT_HOUSEHOLDS = (
    _LOCK
    + """
    UPDATE cases_client AS client SET household_size = counted.size
    FROM (
        SELECT touched.client_id,
               1 + (SELECT COUNT(*) FROM cases_householdmember AS member WHERE member.client_id = touched.client_id)
        FROM ({touched}) AS touched
    ) AS counted (client_id, size)
    WHERE client.id = counted.client_id AND client.household_size <> counted.size;
    RETURN NULL;
"""
)

# A client has at most one open case of a kind (case_one_open_per_type): the join finds one or none.
_RECOUNT_WAITING = (
    _LOCK
    + """
    UPDATE cases_client AS client SET waiting_since = open_case.opened_on, waiting_case_id = open_case.id
    FROM (
        SELECT touched.client_id, provision.opened_on, provision.id
        FROM ({touched}) AS touched
        LEFT JOIN cases_case AS provision
            ON provision.client_id = touched.client_id
            AND provision.case_type = 'provision' AND provision.closed_on IS NULL
    ) AS open_case (client_id, opened_on, id)
    WHERE client.id = open_case.client_id
        AND (client.waiting_since, client.waiting_case_id) IS DISTINCT FROM (open_case.opened_on, open_case.id);
    RETURN NULL;
"""
)


def _statement_triggers(prefix, body):
    """One statement trigger per kind of write (transition tables allow only one event per trigger)."""
    referencing = {
        pgtrigger.Insert: pgtrigger.Referencing(new="new_rows"),
        pgtrigger.Delete: pgtrigger.Referencing(old="old_rows"),
        pgtrigger.Update: pgtrigger.Referencing(old="old_rows", new="new_rows"),
    }
    return [
        pgtrigger.Trigger(
            name=f"{prefix}_{operation.name.lower()}",
            when=pgtrigger.After,
            operation=operation,
            level=pgtrigger.Statement,
            referencing=referencing[operation],
            func=body.format(touched=touched),
        )
        for operation, touched in _TOUCHED.items()
    ]


#: On ``cases_householdmember``: the household's size is the client and the members.
HOUSEHOLD_SIZE_TRIGGERS = _statement_triggers("household_size", _RECOUNT_HOUSEHOLDS)

#: On ``cases_case``: the open provision case and the day it was opened (the waiting time).
WAITING_TRIGGERS = _statement_triggers("waiting_since", _RECOUNT_WAITING)

#: On ``cases_client``: a statement of the application (trigger depth 1) cannot set the three columns;
#: the recounts above run at depth 2. A new client has no members and no case yet.
KEEP_WAITING_LIST = pgtrigger.Trigger(
    name="keep_waiting_list",
    when=pgtrigger.Before,
    operation=pgtrigger.Insert | pgtrigger.Update,
    func="""
    IF pg_trigger_depth() = 1 THEN
        IF TG_OP = 'INSERT' THEN
            NEW.household_size := 1;
            NEW.waiting_since := NULL;
            NEW.waiting_case_id := NULL;
        ELSE
            NEW.household_size := OLD.household_size;
            NEW.waiting_since := OLD.waiting_since;
            NEW.waiting_case_id := OLD.waiting_case_id;
        END IF;
    END IF;
    RETURN NEW;
""",
)
