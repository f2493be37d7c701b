# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""Late-payment interest under the project's convention (README, "Late-payment interest").

Simple interest: amount x annual rate x days / 365. The late period runs from the day after the
due date through the payment date (or the computation date while unpaid); it is split at
semester boundaries (1 January, 1 July), each part at its own semester's rate, and at the day
after each partial payment, which reduces the base from then on. The total is rounded half-up
to the cent by the caller (the rounding of the currency). A semester whose rate is not known
yet adds nothing: its parts say so (``rate`` None, ``missing`` True), the others are computed.
"""

from datetime import date, timedelta


def semester_start(day):
    """First day (1 January or 1 July) of ``day``'s semester."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def next_semester_start(day):
    """First day of the semester after ``day``'s."""
    start = semester_start(day)
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


def semester_starts(date_from, date_to):
    """First days of the semesters intersecting [date_from, date_to] (both included), in date
    order; empty when ``date_to`` is before ``date_from``'s semester."""
    starts = []
    start = semester_start(date_from)
    while start <= date_to:
        starts.append(start)
        start = next_semester_start(start)
    return starts


def semester_label(day):
    """``day``'s semester as "2026 H1" / "2026 H2" (not translated: the translated label is
    ``account.dunning.rate._get_semester_labels``)."""
    return f"{day.year} H{1 if day.month <= 6 else 2}"


def interest_segments(start, end, amount, payments, rate_of_semester):
    """Split the late period [start, end] (both included) and compute each part.

    :param date start: first late day (usually the day after the due date)
    :param date end: last day counted (payment date, or computation date)
    :param float amount: amount due at ``start`` (tax included)
    :param payments: iterable of ``(date, amount)``: each reduces the base from the day after
    :param rate_of_semester: function(semester start) -> annual rate in percent, or None when
        a reference rate of that semester is missing
    :return: list of dicts (date_from, date_to, days, base, rate, interest, missing), interest
        unrounded
    """
    if end < start:
        return []
    payments = sorted(payments)
    # Base at ``start``: payments made before the first late day already reduced it.
    base = amount - sum(paid for day, paid in payments if day < start)
    changes = {day + timedelta(days=1): paid for day, paid in payments if start <= day < end}
    cuts = {*changes, *semester_starts(next_semester_start(start), end)}
    bounds = sorted(cut for cut in cuts if start < cut <= end)
    segments = []
    seg_start = start
    for cut in [*bounds, end + timedelta(days=1)]:
        seg_end = cut - timedelta(days=1)
        days = (seg_end - seg_start).days + 1
        rate = rate_of_semester(semester_start(seg_start))
        if base > 0 and days > 0:
            segments.append(
                {
                    "date_from": seg_start,
                    "date_to": seg_end,
                    "days": days,
                    "base": base,
                    "rate": rate,
                    "interest": 0.0 if rate is None else base * rate / 100.0 * days / 365.0,
                    "missing": rate is None,
                }
            )
        base -= changes.get(cut, 0.0)
        seg_start = cut
    return segments
