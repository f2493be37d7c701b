# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, fields, models
from odoo.tools import SQL


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    dunning_penalty_source_id = fields.Many2one(
        "account.move",
        string="Late Invoice",
        index="btree_not_null",
        copy=False,
        help="On a penalty invoice: the late invoice this line charges interest or the "
        "indemnity for.",
    )
    dunning_penalty_kind = fields.Selection(
        [("interest", "Late-payment interest"), ("indemnity", "Recovery indemnity")],
        string="Penalty",
        copy=False,
    )
    dunning_penalty_date_from = fields.Date(string="Interest From", copy=False)
    dunning_penalty_date_to = fields.Date(string="Interest Until", copy=False)

    # ---------------------------------------------------------------------------------------
    # The customers' receivable items: one definition each, as a domain and as SQL
    # ---------------------------------------------------------------------------------------

    @api.model
    def _dunning_receivable_domain(self):
        """Receivable items of posted entries: what customers were invoiced, credited and paid
        (invoices, credit notes, payments, opening entries alike). Drafts and cancelled entries
        count for nothing. SQL twin: ``_dunning_receivable_sql``."""
        return [
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
        ]

    @api.model
    def _dunning_receivable_sql(self, alias="aml"):
        """Condition on the account_move_line ``alias``: ``_dunning_receivable_domain``."""
        line = SQL.identifier(alias)
        return SQL(
            "(%(line)s.parent_state = 'posted' AND %(line)s.account_id IN ("
            "SELECT id FROM account_account WHERE account_type = 'asset_receivable'))",
            line=line,
        )

    @api.model
    def _dunning_open_receivable_domain(self):
        """Open receivable items: receivable items not fully matched yet, what a customer
        still owes (debits) or may still use (credits: unallocated payments, credit notes).
        SQL twin: ``_dunning_open_receivable_sql``."""
        return [*self._dunning_receivable_domain(), ("reconciled", "=", False)]

    @api.model
    def _dunning_open_receivable_sql(self, alias="aml"):
        """Condition on the account_move_line ``alias``: ``_dunning_open_receivable_domain``."""
        return SQL(
            "(%s AND %s.reconciled IS NOT TRUE)",
            self._dunning_receivable_sql(alias),
            SQL.identifier(alias),
        )
