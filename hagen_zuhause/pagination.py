"""Paging of long lists (clients, tasks, the change history) that counts only as far as people need to know.

At 100,000 clients, counting every row the user may see cost more than reading the page itself: the
database had to look at each visible client (or each open task and its client's visibility) to say
"98,945 clients found". The count is exact up to ``count_limit`` rows and otherwise reads "more than
1,000"; see docs/decisions.md.

A search reads every row it finds anyway (to sort them by relevance): there the page's own query counts
them as well (:func:`with_rows_found`) instead of a second query finding them all again.
"""

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Window
from django.utils.formats import number_format
from django.utils.functional import cached_property

#: The highest page number any list reads. An absurd number (``?page=99999999999999999999``) is read as
#: this one, so that its offset still fits PostgreSQL's OFFSET and LIMIT (bigint) and the page answers
#: like any other page past the end of the list.
MAX_PAGE = 10**9


def page_number(value, default=1):
    """A page number from the query string: a whole number from 1 to MAX_PAGE, else ``default``."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, 1), MAX_PAGE)


#: The annotation through which each row of a page says how many rows its query found.
ROWS_FOUND = "rows_found"


def with_rows_found(queryset):
    """``queryset`` whose rows each carry the number of rows it finds (``COUNT(*) OVER ()``).

    Only for queries that read all their rows before the first page anyway (sorted by a computed
    relevance): on a list read in index order, counting every row would cost what the limit saves.
    """
    return queryset.annotate(**{ROWS_FOUND: Window(Count("*"))})


class LimitedCountPaginator(Paginator):
    """A paginator whose count stops after ``count_limit`` rows, or after the page asked for if later.

    ``count`` is exact when ``count_is_exact``; otherwise it is one more than ``counted_up_to`` and
    only says that there are more rows, so that the page after the last counted one still has a link.
    The database stops reading at that row (``SELECT count(*) FROM (… LIMIT n + 1)``).
    """

    def __init__(self, *args, count_limit, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_limit = count_limit
        self.counted_up_to = count_limit

    def page(self, number):
        # Capped so that an absurd page number still fits PostgreSQL's LIMIT (and then answers 404).
        wanted = page_number(number)
        # Count at least up to the requested page, so that it exists and its "next" link is right.
        if "count" not in self.__dict__:
            self.counted_up_to = max(self.count_limit, wanted * self.per_page)
            if self._rows_count_themselves():
                page = self._page_with_its_count(wanted)
                if page is not None:
                    return page
        return super().page(number)

    def _rows_count_themselves(self):
        query = getattr(self.object_list, "query", None)
        return query is not None and ROWS_FOUND in query.annotations

    def _page_with_its_count(self, number):
        """The page read first, the count taken from its rows; None past the last page (counted as usual)."""
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if not rows:
            return None
        self.__dict__["count"] = min(getattr(rows[0], ROWS_FOUND), self.counted_up_to + 1)
        return self._get_page(rows, number, self)

    @cached_property
    def count(self):
        # Without the list's ordering (any n + 1 rows tell whether there are more than n) and, for a
        # queryset, without the columns the list computes for its rows (the latest task, the groups): a
        # sliced count keeps the query's select list, which PostgreSQL skips but Django builds and compiles.
        rows = self.object_list.order_by()
        if isinstance(rows, QuerySet):
            rows = rows.values("pk")
        return rows[: self.counted_up_to + 1].count()

    @property
    def count_is_exact(self):
        return self.count <= self.counted_up_to

    @property
    def counted_up_to_label(self):
        """The bound of "more than …", grouped the way the user's language writes numbers (1.000)."""
        return number_format(self.counted_up_to, force_grouping=True)


class LimitedCountMixin:
    """For a ListView: its pages counted by :class:`LimitedCountPaginator` up to ``count_limit`` rows."""

    paginator_class = LimitedCountPaginator
    count_limit = 1000

    def get_paginator(self, *args, **kwargs):
        return super().get_paginator(*args, count_limit=self.count_limit, **kwargs)
