# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""Legal caps and floors of the Code de commerce, without ``env``.

- Payment terms (L441-10 I): at most 60 days from the invoice date, or 45 days end of month.
- Late-payment rate (L441-10 II): by default the ECB rate + 10 points; a contractual rate never
  applies below three times the legal interest rate.
- Recovery indemnity (D441-5): 40 EUR per late invoice, professionals only.
"""

import calendar
from datetime import date, timedelta

# L441-10 II: a contract may set another rate, never below 3 x the legal interest rate.
LEGAL_FLOOR_MULTIPLE = 3.0
# The statutory default: ECB rate + 10 points. It is not a contractual rate: no floor.
STATUTORY_MARGIN = 10.0
# D441-5: the fixed recovery indemnity, in euros.
RECOVERY_INDEMNITY = 40.0


def _end_of_month(day):
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def legal_cap_date(invoice_date):
    """Latest due date that article L441-10 of the Code de commerce allows for an invoice
    dated ``invoice_date``: the most favourable of 60 days from the invoice date, the end of
    the invoice month + 45 days, and the invoice date + 45 days then the end of that month."""
    return max(
        invoice_date + timedelta(days=60),
        _end_of_month(invoice_date) + timedelta(days=45),
        _end_of_month(invoice_date + timedelta(days=45)),
    )


def legal_floor(rate, legal_rate):
    """The contractual ``rate`` raised to three times ``legal_rate`` when below it; None when
    either is unknown (a missing reference rate is never guessed)."""
    if rate is None or legal_rate is None:
        return None
    return max(rate, LEGAL_FLOOR_MULTIPLE * legal_rate)
