# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..models.dunning_feedback import done_notification


class AccountDunningCommunicationPost(models.TransientModel):
    """Mark printed letters and formal notices as posted: the registered-letter number of each
    formal notice (required) and the posting date. The proof of receipt comes later and is
    entered on the communication."""

    _name = "account.dunning.communication.post"
    _description = "Mark Dunning Letters as Posted"

    posting_date = fields.Date(required=True, default=fields.Date.context_today)
    line_ids = fields.One2many(
        "account.dunning.communication.post.line", "wizard_id", string="Letters"
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "line_ids" in fields_list and self.env.context.get("active_ids"):
            comms = self.env["account.dunning.communication"].browse(self.env.context["active_ids"])
            values["line_ids"] = [
                fields.Command.create(
                    {
                        "communication_id": comm.id,
                        "registered_letter_number": comm.registered_letter_number,
                    }
                )
                for comm in comms._get_to_post()
            ]
        return values

    def action_confirm(self):
        self.ensure_one()
        lines = self.line_ids
        if not lines:
            raise UserError(self.env._("Select letters or formal notices waiting to be posted."))
        missing = lines.filtered(
            lambda line: line.channel == "formal_notice"
            and not (line.registered_letter_number or "").strip()
        )
        if missing:
            raise UserError(
                self.env._(
                    "Enter the registered-letter number of each formal notice: %(names)s.",
                    names=", ".join(missing.communication_id.mapped("name")),
                )
            )
        comms = lines.communication_id
        if comms != comms._get_to_post():
            raise UserError(self.env._("Some of these letters are no longer waiting to be posted."))
        for line in lines.filtered(lambda line: line.registered_letter_number):
            line.communication_id.registered_letter_number = line.registered_letter_number.strip()
        comms._mark_posted(self.posting_date)
        return done_notification(
            self.env,
            self.env._(
                "%(count)s letter(s) marked as posted on %(date)s.",
                count=len(comms),
                date=format_date(self.env, self.posting_date),
            ),
            close=True,
        )


class AccountDunningCommunicationPostLine(models.TransientModel):
    _name = "account.dunning.communication.post.line"
    _description = "Letter to Mark as Posted"

    wizard_id = fields.Many2one(
        "account.dunning.communication.post", required=True, ondelete="cascade"
    )
    communication_id = fields.Many2one(
        "account.dunning.communication", required=True, readonly=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="communication_id.partner_id")
    channel = fields.Selection(related="communication_id.channel")
    amount_balance = fields.Monetary(related="communication_id.amount_balance")
    currency_id = fields.Many2one(related="communication_id.currency_id")
    registered_letter_number = fields.Char(
        help="Number of the registered letter (required for formal notices)."
    )
