# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""Insolvency proceedings (sauvegarde, redressement, liquidation judiciaire): which claims the
opening judgment freezes, and until when their interest runs.

- A claim born before the opening judgment is declared to the court-appointed representative:
  it is no longer dunned, its interest stops from the judgment (C. com. L622-28), so runs
  through the day before it; the recovery indemnity is owed when the invoice was already late
  at the judgment (due before it), not when the proceedings forbade paying it at its due date.
- A claim born on or after the judgment (L622-17) is dunned and bears penalties normally.
- Proceedings without a recorded judgment date: nothing is dunned and nothing accrues (the
  claims cannot be told apart), as before the judgment date was recorded.

The invoice date stands for the date the claim is born."""

from datetime import timedelta

from odoo.tools import SQL

# The invoices of ``m`` (account_move) whose customer ``p`` (res_partner, the commercial
# entity) may be dunned: no proceedings, or an invoice born on or after the opening judgment.
DUNNED_DESPITE_PROCEEDINGS_SQL = SQL(
    "(p.dunning_insolvency_state IS NULL"
    " OR m.invoice_date >= p.dunning_insolvency_judgment_date)"
)


def is_frozen_claim(state, judgment_date, invoice_date):
    """True when a claim of ``invoice_date`` falls within proceedings (``state``, opening
    judgment of ``judgment_date``): to declare, not to dun."""
    if not state:
        return False
    return not judgment_date or not invoice_date or invoice_date < judgment_date


def interest_stop_date(state, judgment_date, invoice_date):
    """Last day of interest of a claim: the day before the opening judgment for a claim born
    before it; None when the proceedings do not stop it (born after the judgment, no
    proceedings). Only meaningful when a judgment date is recorded."""
    if state and judgment_date and invoice_date and invoice_date < judgment_date:
        return judgment_date - timedelta(days=1)
    return None
