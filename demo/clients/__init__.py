"""Realistic synthetic demo data for the demo organisation (``seed_demo --clients N --seed S``).

The people are invented, but shaped like the initiative's clients in Hagen: German, Bulgarian
(some written in Cyrillic, with a Latin spelling as alias), Romanian (ș, ț, ă), Turkish, Polish,
Syrian and Ukrainian names; EU-2 families with their children as household members; the target
groups in the project's proportions (seniors ~20 %, mental health ~20 %, women ~25 %, EU-2 ~30 %,
some in two groups, some in none); prevention ~45 % / provision ~55 % cases, part of them closed
with outcomes fitting the type; accommodation stays for provision cases; about 20 contacts per
person over the last two years; eviction suits with their computed deadlines; consents and
referrals to the help network; a few women with a protected address (Sperrvermerk); and a few
planted near-duplicates (Cyrillic/Latin, ß/ss, Romanian diacritics, swapped names) so that the
duplicate hints have something to find. Notes are generic and harmless: no real-looking details.

Deterministic: every person is drawn from ``random.Random(f"{seed}:{number}")``, where ``number``
counts the organisation's clients, and dates are relative to ``today`` — so the same seed on the
same day (and the same starting database) gives the same data, in any batch size.

Speed: rows are written with ``bulk_create`` in batches of 5,000 people, contacts with
PostgreSQL's COPY. 100,000 people with 2,000,000 contacts take minutes. For large runs the history
triggers of the seeded tables are switched off (``without_history``): demo data then has no
change-history rows, which is honest — nobody changed anything — and keeps the history tables
small.
"""

from demo.clients.planner import Planner
from demo.clients.writing import BATCH_SIZE, WITHOUT_HISTORY_FROM, SeedResult, seed_clients

__all__ = [
    "BATCH_SIZE",
    "WITHOUT_HISTORY_FROM",
    "Planner",
    "SeedResult",
    "seed_clients",
]
