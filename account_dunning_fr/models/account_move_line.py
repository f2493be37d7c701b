# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import fields, models


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
