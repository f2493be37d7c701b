# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import models


class MailNotification(models.Model):
    _inherit = "mail.notification"

    def write(self, vals):
        res = super().write(vals)
        if vals.get("notification_status") == "sent":
            # the email of a sent communication accepted by the mail queue: it is sealed
            comms = (
                self.env["account.dunning.communication"]
                .sudo()
                .search(
                    [
                        ("mail_message_id", "in", self.mail_message_id.ids),
                        ("state", "=", "sent"),
                        ("inalterable_hash", "=", False),
                    ]
                )
            )
            comms._filter_to_seal()._seal_evidence()
        if vals.get("notification_status") == "bounce":
            # The mail gateway records a bounce (mail.thread._routing_handle_bounce): the
            # dunning communication of the email did not reach its customer.
            self.env["account.dunning.communication"].sudo().search(
                [("mail_message_id", "in", self.mail_message_id.ids)]
            )._process_email_outcome()
        return res
