# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""Ageing buckets, without ``env``: those of the aged balance, whose limits are the last day late
of each bucket (``30,60,90,120`` gives not due, 1-30, 31-60, 61-90, 91-120 and over 120 days),
and the fixed ones of the statements, dossiers and D441 tables (``AGEING_BUCKETS``)."""

from itertools import pairwise

from odoo.tools import SQL

DEFAULT_LIMITS = "30,60,90,120"
MAX_LIMITS = 8  # at most 10 buckets: their keys "0".."9" sort as the buckets do

# Ageing buckets of statements and dossiers: (key, first day late, last day late or None).
AGEING_BUCKETS = [
    ("not_due", None, 0),
    ("1_30", 1, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("91_plus", 91, None),
]


def parse_limits(text):
    """The limits written in ``text`` ("30, 60, 90"): a list of strictly increasing positive
    integers, at most MAX_LIMITS of them. ValueError when ``text`` is not such a list."""
    parts = [part.strip() for part in (text or "").split(",")]
    if not all(part.isdigit() for part in parts):
        raise ValueError(text)
    limits = [int(part) for part in parts]
    if (
        not 1 <= len(limits) <= MAX_LIMITS
        or limits[0] < 1
        or any(low >= high for low, high in pairwise(limits))
    ):
        raise ValueError(text)
    return limits


def bucket_bounds(limits):
    """[(key, first day late or None, last day late or None)]: not due, one bucket per limit,
    then beyond the last limit."""
    bounds = [("0", None, 0)]
    first = 1
    for index, limit in enumerate(limits, start=1):
        bounds.append((str(index), first, limit))
        first = limit + 1
    bounds.append((str(len(limits) + 1), first, None))
    return bounds


def bucket_of(days_late, limits):
    """Key of the bucket of an item ``days_late`` days past its due date (<= 0: not due)."""
    return _bucket_in(bucket_bounds(limits), days_late)


def ageing_bucket(days_late):
    """Key of the ``AGEING_BUCKETS`` bucket of an item ``days_late`` days past its due date."""
    return _bucket_in(AGEING_BUCKETS, days_late)


def _bucket_in(bounds, days_late):
    for key, first, last in bounds:
        if (first is None or days_late >= first) and (last is None or days_late <= last):
            return key
    raise AssertionError(days_late)  # the first bucket has no lower bound, the last no upper


def residual_at_sql(alias, as_of):
    """SQL of the open residual, in company currency, of the receivable line ``alias`` as of
    ``as_of``: its balance less what was matched with it up to that date (partial
    reconciliations whose ``max_date`` is on or before it), whatever was matched later. The one
    "open at a date" of the aged balance, the dashboard and the statement of account."""
    line = SQL.identifier(alias)
    return SQL(
        """%(line)s.balance
           - COALESCE((SELECT SUM(pr.amount) FROM account_partial_reconcile pr
                        WHERE pr.debit_move_id = %(line)s.id AND pr.max_date <= %(as_of)s), 0)
           + COALESCE((SELECT SUM(pr.amount) FROM account_partial_reconcile pr
                        WHERE pr.credit_move_id = %(line)s.id AND pr.max_date <= %(as_of)s), 0)""",
        line=line,
        as_of=as_of,
    )
