# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, models
from odoo.exceptions import UserError

from .account_dunning_communication import EVIDENCE_STATES

COMMUNICATION = "account.dunning.communication"
# What a message said, to whom, and what it belongs to.
CONTENT_FIELDS = {
    "body",
    "subject",
    "attachment_ids",
    "tracking_value_ids",
    "partner_ids",
    "author_id",
    "date",
    "message_type",
    "model",
    "res_id",
}


class MailMessage(models.Model):
    _inherit = "mail.message"

    def write(self, vals):
        if CONTENT_FIELDS.intersection(vals):
            self._dunning_check_evidence()
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _unlink_except_dunning_evidence(self):
        self._dunning_check_evidence()

    def _dunning_check_evidence(self):
        """Refuse to change or delete the messages (the email, the notes, the tracking of its
        states) of a communication validated or sent."""
        messages = self.sudo().filtered(lambda msg: msg.model == COMMUNICATION and msg.res_id)
        if not messages:
            return
        comms = self.env[COMMUNICATION].sudo().browse(set(messages.mapped("res_id"))).exists()
        frozen = comms.filtered(lambda comm: comm.state in EVIDENCE_STATES)
        if frozen:
            raise UserError(frozen._get_evidence_message_error())
