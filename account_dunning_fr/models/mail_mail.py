# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

import logging

from odoo import api, models

_logger = logging.getLogger(__name__)

COMMUNICATION = "account.dunning.communication"


class MailMail(models.Model):
    """The mail queue decides when a dunning email is evidence: a communication is Sent once
    its email has left, Failed when it could not; one communication never reaches its
    customer twice, whatever is retried."""

    _inherit = "mail.mail"

    @api.model
    def process_email_queue(self, ids=None, batch_size=1000):
        res = super().process_email_queue(ids=ids, batch_size=batch_size)
        try:
            with self.env.cr.savepoint():
                self.env[COMMUNICATION].sudo()._process_pending_outcomes()
        except Exception:
            _logger.exception("Outcome of the queued dunning emails could not be recorded")
        return res

    def send(self, auto_commit=False, raise_exception=False, post_send_callback=None):
        comms = self._dunning_hold_duplicates()
        res = super().send(
            auto_commit=auto_commit,
            raise_exception=raise_exception,
            post_send_callback=post_send_callback,
        )
        if comms:
            # Sent or not, the mails are gone: recording it must not fail the queue.
            try:
                with self.env.cr.savepoint():
                    comms._process_email_outcome()
            except Exception:
                _logger.exception("Outcome of the dunning emails %s could not be recorded", comms)
        return res

    def _dunning_hold_duplicates(self):
        """Cancel, among the mails about to be sent, those of dunning communications that
        must not reach the customer: a communication cancelled, an email already delivered
        (its recipient's notification is sent), a communication already sent, or a second
        mail of the same communication in the batch. Returns the communications of the
        mails."""
        mails = self.sudo().filtered(
            lambda mail: mail.model == COMMUNICATION and mail.state == "outgoing"
        )
        if not mails:
            return self.env[COMMUNICATION]
        comms = (
            self.env[COMMUNICATION]
            .sudo()
            .search([("mail_message_id", "in", mails.mail_message_id.ids)])
        )
        delivered = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", comms.mail_message_id.ids),
                    ("notification_type", "=", "email"),
                    ("notification_status", "=", "sent"),
                ]
            )
        )
        done = {(notif.mail_message_id.id, notif.res_partner_id.id) for notif in delivered}
        by_message = {comm.mail_message_id.id: comm for comm in comms}
        held = self.browse()
        delivered_held = self.browse()  # held because the customer already has it
        seen = set()
        for mail in mails.sorted("id", reverse=True):  # the newest mail is the one to send
            comm = by_message.get(mail.mail_message_id.id)
            if not comm or comm.recipient_id not in mail.recipient_ids:
                continue  # not the customer's email (a follower's copy)
            already = (comm.mail_message_id.id, comm.recipient_id.id) in done or (
                comm.channel == "email" and comm.state == "sent"
            )
            if (
                already
                or comm.state == "cancelled"
                or (comm.channel == "email" and comm.state not in ("queued", "failed"))
                or comm in seen
            ):
                held |= mail
                if already:
                    delivered_held |= mail
            seen.add(comm)
        if held:
            _logger.info("Dunning emails %s not sent: already sent or cancelled", held.ids)
            held.cancel()
            notifications = (
                self.env["mail.notification"]
                .sudo()
                .search(
                    [
                        ("mail_mail_id", "in", held.ids),
                        ("notification_status", "not in", ("sent", "canceled")),
                    ]
                )
            )
            # A resend re-opens the notification of an email the customer has: it stays sent.
            reached = notifications.filtered(lambda notif: notif.mail_mail_id in delivered_held)
            reached.write({"notification_status": "sent", "failure_type": False})
            (notifications - reached).write({"notification_status": "canceled"})
        return comms
