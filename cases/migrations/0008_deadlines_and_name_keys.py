"""Legal deadlines and name keys.

* An index of the open legal deadlines (grace period, hearing, eviction) of each organisation by due
  date, which the start page reads up to a week ahead.
* Open grace-period tasks follow § 193 BGB: until now the end of the grace period was the calendar day
  two months after service, even on a Saturday or Easter Monday. Open tasks are recomputed with the
  organisation's state; done ones keep the date they were dealt with.
* Every client's search key (``search_text``) is recomputed with the folding that keeps letters without
  a Unicode decomposition (ı ł ø đ …; ``cases.names``). The column is not part of the change history,
  so no history rows are written.

Both data steps go in batches by primary key, so a large database (100,000 clients) is never read or
locked at once.
"""

from collections import defaultdict

from django.db import migrations, models

BATCH = 2000


def move_open_schonfrist_tasks(apps, schema_editor):
    from cases.deadlines import schonfrist_end

    Task = apps.get_model("cases", "Task")
    open_tasks = Task.objects.filter(kind="schonfrist", done_at__isnull=True, notice__served_on__isnull=False)
    last_pk = 0
    while True:
        batch = list(
            open_tasks.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "due_on", "notice__served_on", "organisation__holiday_state")[:BATCH]
        )
        if not batch:
            return
        last_pk = batch[-1][0]
        moved = {}
        for pk, due_on, served_on, state in batch:
            end = schonfrist_end(served_on, state=state)
            if end != due_on:
                moved.setdefault(end, []).append(pk)
        for end, pks in moved.items():
            Task.objects.filter(pk__in=pks).update(due_on=end)


def recompute_search_text(apps, schema_editor):
    from cases.services.clients import search_text_for

    Client = apps.get_model("cases", "Client")
    ClientAlias = apps.get_model("cases", "ClientAlias")
    fields = ["pk", "first_name", "last_name", "case_number", "reference", "search_text"]
    last_pk = 0
    while True:
        clients = list(Client.objects.filter(pk__gt=last_pk).order_by("pk").only(*fields)[:BATCH])
        if not clients:
            return
        last_pk = clients[-1].pk
        aliases = defaultdict(list)
        for alias in ClientAlias.objects.filter(client_id__in=[client.pk for client in clients]).order_by("pk"):
            aliases[alias.client_id].append(alias)
        changed = []
        for client in clients:
            text = search_text_for(client, aliases[client.pk])
            if text != client.search_text:
                client.search_text = text
                changed.append(client)
        Client.objects.bulk_update(changed, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_event_created_at_index"),
        ("hagen_zuhause", "0010_second_factor_reset_requests"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=models.Q(("done_at__isnull", True), ("kind__in", ("schonfrist", "hearing", "eviction"))),
                fields=["organisation", "due_on"],
                name="task_open_legal_due",
            ),
        ),
        migrations.RunPython(move_open_schonfrist_tasks, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(recompute_search_text, migrations.RunPython.noop, elidable=True),
    ]
