# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from collections import defaultdict

from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _dunning_message_log_batch(self, notes):
        """Internal notes on records of this model, with core's ``_message_log_batch``.

        :param notes: iterable of (record id, body as Markup); a record may get several notes
            (a customer with two communications): they are logged in successive batches, one
            ``mail.message`` create each."""
        rounds = []
        count = defaultdict(int)
        for res_id, body in notes:
            if count[res_id] == len(rounds):
                rounds.append({})
            rounds[count[res_id]][res_id] = body
            count[res_id] += 1
        messages = self.env["mail.message"].sudo()
        for bodies in rounds:
            messages |= self.browse(bodies)._message_log_batch(bodies)
        return messages
