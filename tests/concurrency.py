"""Two transactions at once, for tests of what the database keeps correct under concurrent writes."""

import threading
import time

from django.db import connection, transaction


def second_writes_while_first_is_open(first, second, *, pause=0.5):
    """Run ``first`` in a transaction that stays open for ``pause`` seconds after it wrote, and ``second``
    in a transaction of its own, started meanwhile. Each runs in a thread with its own connection (the
    test needs ``django_db(transaction=True)``). Returns the errors raised, as text."""
    written = threading.Event()
    errors = []

    def run_first():
        try:
            with transaction.atomic():
                first()
                written.set()
                time.sleep(pause)  # the other transaction starts its write meanwhile
        except Exception as error:  # returned to the test
            errors.append(repr(error))
        finally:
            written.set()
            connection.close()

    def run_second():
        try:
            written.wait(timeout=10)
            with transaction.atomic():
                second()
        except Exception as error:  # returned to the test
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors
