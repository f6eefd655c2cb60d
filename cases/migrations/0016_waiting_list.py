"""The waiting list on the client: household size and open provision case, kept by the database.

The three columns are filled from the household members and the open provision cases before the
index is built and before the triggers that keep them from now on are created (the trigger on the
client would otherwise keep them from this very update). Backwards, the triggers, the index and the
columns go; nothing else is touched.
"""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0015_letter_without_fingerprint'),
        ('hagen_zuhause', '0014_municipality_key_help_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='client',
            name='household_size',
            field=models.PositiveSmallIntegerField(default=1, editable=False, verbose_name='persons in the household'),
        ),
        migrations.AddField(
            model_name='client',
            name='waiting_case',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case', verbose_name='open provision case'),
        ),
        migrations.AddField(
            model_name='client',
            name='waiting_since',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='waiting for a flat since'),
        ),
        migrations.RunSQL(
            [
                # The update would otherwise leave deferred checks pending, which CREATE INDEX refuses.
                "SET CONSTRAINTS ALL IMMEDIATE",
                """
                UPDATE cases_client AS client SET household_size = 1 + members.count
                FROM (SELECT client_id, COUNT(*) FROM cases_householdmember GROUP BY client_id) AS members (client_id, count)
                WHERE client.id = members.client_id
                """,
                """
                UPDATE cases_client AS client SET waiting_since = provision.opened_on, waiting_case_id = provision.id
                FROM cases_case AS provision
                WHERE provision.client_id = client.id AND provision.case_type = 'provision' AND provision.closed_on IS NULL
                """,
            ],
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name='client',
            index=models.Index(condition=models.Q(('anonymised_at__isnull', True), ('waiting_since__isnull', False)), fields=['organisation', 'waiting_since', 'waiting_case', 'id'], include=('household_size', 'restricted'), name='client_waiting_list'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='case',
            trigger=pgtrigger.compiler.Trigger(name='waiting_since_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n    PERFORM 1 FROM cases_client WHERE id IN (SELECT client_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;\n\n    UPDATE cases_client AS client SET waiting_since = open_case.opened_on, waiting_case_id = open_case.id\n    FROM (\n        SELECT touched.client_id, provision.opened_on, provision.id\n        FROM (SELECT client_id FROM new_rows) AS touched\n        LEFT JOIN cases_case AS provision\n            ON provision.client_id = touched.client_id\n            AND provision.case_type = 'provision' AND provision.closed_on IS NULL\n    ) AS open_case (client_id, opened_on, id)\n    WHERE client.id = open_case.client_id\n        AND (client.waiting_since, client.waiting_case_id) IS DISTINCT FROM (open_case.opened_on, open_case.id);\n    RETURN NULL;\n", hash='198d4bd792b5d62591d2587e166ccae953572c4e', level='STATEMENT', operation='INSERT', pgid='pgtrigger_waiting_since_insert_fed60', referencing='REFERENCING NEW TABLE AS new_rows ', table='cases_case', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='case',
            trigger=pgtrigger.compiler.Trigger(name='waiting_since_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n    PERFORM 1 FROM cases_client WHERE id IN (SELECT client_id FROM old_rows) ORDER BY id FOR NO KEY UPDATE;\n\n    UPDATE cases_client AS client SET waiting_since = open_case.opened_on, waiting_case_id = open_case.id\n    FROM (\n        SELECT touched.client_id, provision.opened_on, provision.id\n        FROM (SELECT client_id FROM old_rows) AS touched\n        LEFT JOIN cases_case AS provision\n            ON provision.client_id = touched.client_id\n            AND provision.case_type = 'provision' AND provision.closed_on IS NULL\n    ) AS open_case (client_id, opened_on, id)\n    WHERE client.id = open_case.client_id\n        AND (client.waiting_since, client.waiting_case_id) IS DISTINCT FROM (open_case.opened_on, open_case.id);\n    RETURN NULL;\n", hash='b8b1693ec4bee4e87a84bbc81a3912485987ae5c', level='STATEMENT', operation='DELETE', pgid='pgtrigger_waiting_since_delete_bf1dd', referencing='REFERENCING OLD TABLE AS old_rows ', table='cases_case', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='case',
            trigger=pgtrigger.compiler.Trigger(name='waiting_since_update', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n    PERFORM 1 FROM cases_client WHERE id IN (SELECT client_id FROM old_rows UNION SELECT client_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;\n\n    UPDATE cases_client AS client SET waiting_since = open_case.opened_on, waiting_case_id = open_case.id\n    FROM (\n        SELECT touched.client_id, provision.opened_on, provision.id\n        FROM (SELECT client_id FROM old_rows UNION SELECT client_id FROM new_rows) AS touched\n        LEFT JOIN cases_case AS provision\n            ON provision.client_id = touched.client_id\n            AND provision.case_type = 'provision' AND provision.closed_on IS NULL\n    ) AS open_case (client_id, opened_on, id)\n    WHERE client.id = open_case.client_id\n        AND (client.waiting_since, client.waiting_case_id) IS DISTINCT FROM (open_case.opened_on, open_case.id);\n    RETURN NULL;\n", hash='d760c17161e78927033c7796a4a7af2f0196a992', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_waiting_since_update_b2b65', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='cases_case', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='client',
            trigger=pgtrigger.compiler.Trigger(name='keep_waiting_list', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n    IF pg_trigger_depth() = 1 THEN\n        IF TG_OP = 'INSERT' THEN\n            NEW.household_size := 1;\n            NEW.waiting_since := NULL;\n            NEW.waiting_case_id := NULL;\n        ELSE\n            NEW.household_size := OLD.household_size;\n            NEW.waiting_since := OLD.waiting_since;\n            NEW.waiting_case_id := OLD.waiting_case_id;\n        END IF;\n    END IF;\n    RETURN NEW;\n", hash='9ff8fa3f3e616b82a4dbe08f0ac1253447b5fad1', operation='INSERT OR UPDATE', pgid='pgtrigger_keep_waiting_list_a44f3', table='cases_client', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='householdmember',
            trigger=pgtrigger.compiler.Trigger(name='household_size_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='\n    PERFORM 1 FROM cases_client WHERE id IN (SELECT client_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;\n\n    UPDATE cases_client AS client SET household_size = counted.size\n    FROM (\n        SELECT touched.client_id,\n               1 + (SELECT COUNT(*) FROM cases_householdmember AS member WHERE member.client_id = touched.client_id)\n        FROM (SELECT client_id FROM new_rows) AS touched\n    ) AS counted (client_id, size)\n    WHERE client.id = counted.client_id AND client.household_size <> counted.size;\n    RETURN NULL;\n', hash='02daf854d9284601037f542e4060969af5871763', level='STATEMENT', operation='INSERT', pgid='pgtrigger_household_size_insert_76bad', referencing='REFERENCING NEW TABLE AS new_rows ', table='cases_householdmember', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='householdmember',
            trigger=pgtrigger.compiler.Trigger(name='household_size_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='\n    PERFORM 1 FROM cases_client WHERE id IN (SELECT client_id FROM old_rows) ORDER BY id FOR NO KEY UPDATE;\n\n    UPDATE cases_client AS client SET household_size = counted.size\n    FROM (\n        SELECT touched.client_id,\n               1 + (SELECT COUNT(*) FROM cases_householdmember AS member WHERE member.client_id = touched.client_id)\n        FROM (SELECT client_id FROM old_rows) AS touched\n    ) AS counted (client_id, size)\n    WHERE client.id = counted.client_id AND client.household_size <> counted.size;\n    RETURN NULL;\n', hash='761a9b0b7af6d4369fbd5567c6da2d6d977d50e3', level='STATEMENT', operation='DELETE', pgid='pgtrigger_household_size_delete_55b71', referencing='REFERENCING OLD TABLE AS old_rows ', table='cases_householdmember', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='householdmember',
            trigger=pgtrigger.compiler.Trigger(name='household_size_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='\n    PERFORM 1 FROM cases_client WHERE id IN (SELECT client_id FROM old_rows UNION SELECT client_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;\n\n    UPDATE cases_client AS client SET household_size = counted.size\n    FROM (\n        SELECT touched.client_id,\n               1 + (SELECT COUNT(*) FROM cases_householdmember AS member WHERE member.client_id = touched.client_id)\n        FROM (SELECT client_id FROM old_rows UNION SELECT client_id FROM new_rows) AS touched\n    ) AS counted (client_id, size)\n    WHERE client.id = counted.client_id AND client.household_size <> counted.size;\n    RETURN NULL;\n', hash='144119f63f31f4ef1e6edc1d3bbffedddca3f0b4', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_household_size_update_1bac0', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='cases_householdmember', when='AFTER')),
        ),
    ]
