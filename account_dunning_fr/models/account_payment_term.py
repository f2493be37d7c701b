# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from datetime import date, timedelta

from odoo import api, fields, models
from odoo.tools import format_date

from ..tools.legal_caps import legal_cap_date

# Any non-leap year: the terms are evaluated for every invoice date of that year.
LEGAL_CAP_REFERENCE_YEAR = 2025


class AccountPaymentTerm(models.Model):
    _inherit = "account.payment.term"

    dunning_exceeds_legal_cap = fields.Boolean(
        string="Exceeds Legal Cap",
        compute="_compute_dunning_exceeds_legal_cap",
        help="For some invoice date, these terms give a due date later than article L441-10 "
        "of the Code de commerce allows (60 days from the invoice date, or 45 days end of "
        "month).",
    )
    dunning_legal_cap_warning = fields.Char(
        string="Legal Cap Warning", compute="_compute_dunning_exceeds_legal_cap"
    )

    @api.depends(
        "line_ids.delay_type",
        "line_ids.nb_days",
        "line_ids.days_next_month",
    )
    @api.depends_context("lang")
    def _compute_dunning_exceeds_legal_cap(self):
        start = date(LEGAL_CAP_REFERENCE_YEAR, 1, 1)
        invoice_dates = [start + timedelta(days=n) for n in range(365)]
        excesses = {}  # terms with the same lines share their result
        for term in self:
            signature = tuple(
                sorted(
                    (line.delay_type, line.nb_days, line.days_next_month or "")
                    for line in term.line_ids
                )
            )
            if signature not in excesses:
                excesses[signature] = term._dunning_get_legal_cap_excess(invoice_dates)
            excess = excesses[signature]
            term.dunning_exceeds_legal_cap = bool(excess)
            term.dunning_legal_cap_warning = (
                self.env._(
                    "These payment terms exceed the legal caps of article L441-10 of the Code "
                    "de commerce (60 days from the invoice date, or 45 days end of month): an "
                    "invoice dated %(invoice_date)s would be due on %(due_date)s, after "
                    "%(cap_date)s. The company risks a fine of up to 2 million euros.",
                    invoice_date=format_date(self.env, excess[0]),
                    due_date=format_date(self.env, excess[1]),
                    cap_date=format_date(self.env, excess[2]),
                )
                if excess
                else False
            )

    def _dunning_get_legal_cap_excess(self, invoice_dates):
        """The worst case of these terms over ``invoice_dates``, with the lines' own due-date
        logic: (invoice date, last due date, legal cap) where the last due date exceeds the cap
        the most, or None when it never does."""
        self.ensure_one()
        lines = self.line_ids
        worst, worst_days = None, 0
        if not lines:
            return worst
        for invoice_date in invoice_dates:
            due = max(line._get_due_date(invoice_date) for line in lines)
            cap = legal_cap_date(invoice_date)
            if (due - cap).days > worst_days:
                worst, worst_days = (invoice_date, due, cap), (due - cap).days
        return worst
