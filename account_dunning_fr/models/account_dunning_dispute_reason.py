# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, fields, models
from odoo.exceptions import UserError

from .dunning_references import count_references, describe_references


class AccountDunningDisputeReason(models.Model):
    """Why a customer disputes an invoice: a disputed invoice is never dunned."""

    _name = "account.dunning.dispute.reason"
    _inherit = ["account.dunning.bounds.mixin"]
    _description = "Dispute Reason"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        counts = count_references(
            self.env,
            {reason.id: reason.id for reason in self},
            [("invoice", "account.move", "dunning_dispute_reason_id", "id")],
        )
        for reason in self.filtered(lambda reason: counts.get(reason.id)):
            raise UserError(
                self.env._(
                    "The dispute reason %(reason)s was used by %(references)s: it cannot be "
                    "deleted. Archive it instead.",
                    reason=reason.name,
                    references=describe_references(self.env, counts[reason.id]),
                )
            )
