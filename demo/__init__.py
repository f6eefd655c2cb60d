"""Demo data: ``seed_demo`` and everything it builds, for trying the system and for the benchmark.

It creates the demo organisations with one account per role, and on request realistic synthetic data at
any size: the demo team and its help network (``team``), clients with their case work (``clients``),
landlords, offers and placements (``housing``), a KdU table of made-up values (``kdu``), the senior shared
flat (``senior_flat``) and the municipalities' districts and logo (``municipalities``). The app has no
models; it writes through the other apps' models and services.

Production never needs it: ``seed_demo`` refuses to run unless demo data is allowed (``DJANGO_DEMO_DATA``,
on with ``DJANGO_DEBUG``) or ``--allow-production`` is given, and no other app's code imports it (tests
may, to set the scene). Migrations must not import it either: they keep frozen copies of what they need.
"""
