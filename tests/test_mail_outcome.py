"""An email is evidence once it has left: what Odoo's mail queue really did with the dunning
emails (a real SMTP server on 127.0.0.1, or none listening) decides whether a communication
is sent, and one communication never reaches its customer twice, whatever is retried."""

import re
import subprocess
import tempfile
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import TODAY, DunningCase
from .smtp import smtp_down, smtp_server

D = timedelta
NOTICE = "account_dunning_fr.action_report_dunning_formal_notice"
SENT_NOTE = r"Dunning Reminder 1 \(Email\) sent"


def _pdf_text(raw):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(raw)
        tmp.flush()
        out = subprocess.run(
            ["pdftotext", tmp.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    return re.sub(r"\s+", " ", out.replace("\u202f", " ").replace("\xa0", " "))


@tagged("post_install", "-at_install")
class TestMailOutcome(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"].create(
            [
                {"name": f"Client {i}", "is_company": True, "email": f"compta{i}@client{i}.test"}
                for i in range(4)
            ]
        )
        cls.invoices = cls._invoices(
            [(c, TODAY - D(12), 100.0 + i) for i, c in enumerate(cls.customers)]
        )
        # reminded once already: the communications of TODAY move them to Reminder 1
        cls.invoices.write(
            {"dunning_level_id": cls.level_courtesy.id, "dunning_last_date": TODAY - D(20)}
        )

    def _sent_notes(self, comms):
        """The chatter notes saying that a dunning was sent, on the customers and invoices."""
        notes = self.env["mail.message"].search(
            [
                "|",
                "&",
                ("model", "=", "res.partner"),
                ("res_id", "in", comms.partner_id.ids),
                "&",
                ("model", "=", "account.move"),
                ("res_id", "in", comms.line_ids.move_id.ids),
            ]
        )
        return notes.filtered(lambda note: re.search(SENT_NOTE, str(note.body)))

    def _where_invoices_are(self):
        return [(inv.dunning_level_id, inv.dunning_last_date) for inv in self.invoices]

    def _fail_with_smtp_down(self):
        before = self._where_invoices_are()
        comms = self._run(TODAY, mail_queue=False)
        self.assertEqual(len(comms), 4)
        self.assertEqual(set(comms.mapped("state")), {"queued"})
        with smtp_down(self.env):
            self._process_mail_queue(TODAY)
        self.assertEqual(set(comms.mapped("state")), {"failed"})
        self.assertEqual(self._where_invoices_are(), before)
        return comms

    def test_smtp_down_fails_every_email_and_moves_nothing(self):
        comms = self._fail_with_smtp_down()
        self.assertEqual(set(comms.mapped("email_status")), {"exception"})
        for comm in comms:
            self.assertIn(
                f"The mail queue could not send the email to {comm.recipient_id.email}",
                comm.failure_reason,
            )
            self.assertIn("Connection", comm.failure_reason, "the SMTP error, readable")
        self.assertEqual(set(comms.mapped("sent_date")), {False})
        self.assertEqual(
            self._where_invoices_are(),
            [(self.level_courtesy, TODAY - D(20))] * 4,
            "the invoices keep their previous level and last date",
        )
        self.assertFalse(self._sent_notes(comms), "no note says sent")
        self.assertFalse(self._run(TODAY + D(1)), "failed, they still hold their invoices")

    def test_retry_delivers_one_email_per_communication_once(self):
        comms = self._fail_with_smtp_down()
        messages = comms.mail_message_id
        # A stale *Resend* dialog of Odoo opened on a failed notification before the retry.
        resend = (
            self.env["mail.resend.message"]
            .with_context(mail_message_to_resend=comms[0].mail_message_id.id)
            .create({})
        )
        self.assertTrue(resend.partner_ids)
        with smtp_server(self.env) as sink:
            with freeze_time(TODAY + D(1)):
                comms.action_retry()
            self.assertEqual(set(comms.mapped("state")), {"queued"})
            self._process_mail_queue(TODAY + D(1))
            sink.wait_for(4)
            self.assertEqual(
                sorted(addresses for _from, addresses in sink.envelopes),
                sorted([comm.recipient_id.email] for comm in comms),
                "exactly one email per communication",
            )
            self.assertEqual(set(comms.mapped("state")), {"sent"})
            self.assertEqual(comms.mail_message_id, messages, "the same email, not a new one")
            self.assertEqual(set(comms.mapped("sent_date")), {TODAY + D(1)})
            self.assertEqual(
                self._where_invoices_are(), [(self.level_1, TODAY + D(1))] * 4, "moved once sent"
            )
            self.assertEqual(len(self._sent_notes(comms)), 8, "one note on customer and invoice")
            # A second retry: nothing to retry.
            with self.assertRaisesRegex(UserError, "None of the selected communications"):
                comms.action_retry()
            # Odoo's own retry of the old failed mails (mail.mail *Retry*, then *Send Now*).
            old = (
                self.env["mail.mail"]
                .sudo()
                .search([("mail_message_id", "in", messages.ids), ("state", "=", "cancel")])
            )
            self.assertEqual(len(old), 4, "the failed mails were cancelled by the retry")
            old.mark_outgoing()
            old.send()
            self.assertEqual(set(old.mapped("state")), {"cancel"})
            # Odoo's *Resend* of the failed notification, from the dialog opened before.
            with freeze_time(TODAY + D(2)):
                resend.resend_mail_action()
            self._process_mail_queue(TODAY + D(2))
            self.assertEqual(len(sink.messages), 4, "nothing more reached the customers")
        self.assertEqual(set(comms.mapped("state")), {"sent"})
        self.assertEqual(set(comms.mapped("sent_date")), {TODAY + D(1)})
        self.assertEqual(comms[0].email_status, "sent")
        self.assertEqual(len(self._sent_notes(comms)), 8)

    def test_odoo_retry_of_a_failed_mail_sends_the_communication(self):
        comms = self._fail_with_smtp_down()
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", comms[0].mail_message_id.id)])
        )
        with smtp_server(self.env) as sink:
            mail.action_retry()  # Odoo's *Retry* of the mail, as an administrator would
            self._process_mail_queue(TODAY + D(3))
            self.assertEqual(len(sink.wait_for(1)), 1)
            comms.action_retry()
            self._process_mail_queue(TODAY + D(3))
            sink.wait_for(4)
            self.assertEqual(len(sink.messages), 4, "the first one is not sent again")
        self.assertEqual(set(comms.mapped("state")), {"sent"})
        self.assertEqual(len(self._sent_notes(comms)), 8)

    def test_level_moves_only_once_the_queue_has_sent(self):
        comms = self._run(TODAY, mail_queue=False)
        self.assertEqual(set(comms.mapped("state")), {"queued"})
        self.assertEqual(self._where_invoices_are(), [(self.level_courtesy, TODAY - D(20))] * 4)
        self.assertFalse(self._sent_notes(comms))
        with smtp_server(self.env) as sink:
            self._process_mail_queue(TODAY + D(1))
            sink.wait_for(4)
        self.assertEqual(set(comms.mapped("state")), {"sent"})
        self.assertEqual(self._where_invoices_are(), [(self.level_1, TODAY + D(1))] * 4)
        self.assertEqual(len(self._sent_notes(comms)), 8)

    def test_cancelling_a_queued_communication_cancels_its_email(self):
        comms = self._run(TODAY, mail_queue=False)
        self.env["account.dunning.communication.cancel"].with_context(
            active_ids=comms[0].ids
        ).create({"reason": "Paid by cheque this morning"}).action_confirm()
        with smtp_server(self.env) as sink:
            self._process_mail_queue(TODAY)
            sink.wait_for(3)
            self.assertEqual(len(sink.messages), 3)
            self.assertNotIn([comms[0].recipient_id.email], [to for _f, to in sink.envelopes])
        self.assertEqual(comms[0].state, "cancelled")
        self.assertEqual(comms[0].line_ids.move_id.dunning_level_id, self.level_courtesy)

    def test_bounce_fails_the_communication_and_puts_the_invoices_back(self):
        with smtp_server(self.env) as sink:
            comms = self._run(TODAY)
            sink.wait_for(4)
        comm = comms[0]
        invoice = comm.line_ids.move_id
        self.assertEqual(comm.state, "sent")
        self.assertEqual(invoice.dunning_level_id, self.level_1)
        # The customer's mail server sends the email back: what Odoo's mail gateway does.
        with freeze_time(TODAY + D(1)):
            self.env["mail.thread"]._routing_handle_bounce(
                None,
                {
                    "bounced_email": comm.recipient_id.email_normalized,
                    "bounced_partner": comm.recipient_id,
                    "bounced_msg_ids": [comm.mail_message_id.message_id],
                    "bounced_message": comm.mail_message_id,
                    "body": "<p>550 5.1.1 Mailbox unavailable</p>",
                    "email_from": "MAILER-DAEMON@client0.test",
                    "to": "bounce@dupont.test",
                    "message_id": "<bounce-1@client0.test>",
                },
            )
        self.assertEqual(comm.email_status, "bounce")
        self.assertEqual(comm.state, "failed")
        self.assertIn("bounced", comm.failure_reason)
        self.assertIn("Mailbox unavailable", comm.failure_reason)
        self.assertEqual(
            (invoice.dunning_level_id, invoice.dunning_last_date),
            (self.level_courtesy, TODAY - D(20)),
            "the customer was not told: back where it was",
        )
        notes = self.env["mail.message"].search(
            [("model", "=", "account.move"), ("res_id", "=", invoice.id)]
        )
        self.assertTrue(
            notes.filtered(lambda note: "not received: the email bounced" in str(note.body))
        )
        self.assertEqual((comms - comm).mapped("state"), ["sent"] * 3)
        # fixed address, retry: the same message, one new email
        with smtp_server(self.env) as sink:
            comm.action_retry()
            self._process_mail_queue(TODAY + D(2))
            self.assertEqual(len(sink.wait_for(1)), 1)
        self.assertEqual(comm.state, "sent")
        self.assertEqual(invoice.dunning_level_id, self.level_1)


@tagged("post_install", "-at_install")
class TestNoticeOfInvoicesStillOwed(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.level_notice = cls.env["account.dunning.level"].create(
            {
                "policy_id": cls.policy.id,
                "sequence": 5,
                "name": "Mise en demeure",
                "delay_days": 45,
                "channel": "formal_notice",
                "payment_deadline_days": 15,
                "report_id": cls.env.ref(NOTICE).id,
                "email_copy": True,
            }
        )
        cls.env = cls.env(context=dict(cls.env.context, force_report_rendering=True))
        cls.collector = new_test_user(
            cls.env,
            login="collector.noemail",
            groups="account.group_account_invoice,account_dunning_fr.group_dunning_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.collector.partner_id.email = False

    def _notice(self, invoices):
        """A formal notice about ``invoices`` waiting for validation, as the run makes it."""
        return (
            self.env["account.dunning.communication"]
            .sudo()
            .create(
                {
                    "name": f"MED/{invoices[0].id}",
                    "company_id": self.company.id,
                    "date": TODAY,
                    "partner_id": self.customer.id,
                    "recipient_id": self.customer.id,
                    "level_id": self.level_notice.id,
                    "channel": "formal_notice",
                    "currency_id": invoices[0].currency_id.id,
                    "line_ids": [
                        Command.create(
                            {
                                "move_id": inv.id,
                                "move_name": inv.name,
                                "date_due": inv.invoice_date_due,
                                "days_overdue": (TODAY - inv.invoice_date_due).days,
                                "currency_id": inv.currency_id.id,
                                "amount_total": inv.amount_total,
                                "amount_due": inv.amount_residual,
                                "level_id": self.level_notice.id,
                            }
                        )
                        for inv in invoices
                    ],
                }
            )
        )

    def test_notice_leaves_out_invoices_no_longer_owed(self):
        due, paid, draft, cancelled = self._invoices(
            [(self.customer, TODAY - D(60 + i), 1000.0 * (i + 1)) for i in range(4)]
        )
        notice = self._notice(due | paid | draft | cancelled)
        self.assertEqual(notice.amount_due, 10000.0)
        self._pay(paid, paid.amount_total, TODAY)
        draft.button_draft()
        cancelled.button_draft()
        cancelled.button_cancel()
        with freeze_time(TODAY):
            notice.with_user(self.collector).action_validate()
        self.assertEqual(notice.state, "to_send", "waits to be posted")
        self.assertEqual(notice.line_ids.move_id, due)
        self.assertEqual(notice.amount_due, 1000.0)
        text = _pdf_text(notice.attachment_id.raw)
        self.assertIn(due.name, text)
        for gone in (paid, draft, cancelled):
            self.assertNotIn(gone.name, text, "the notice never claims what is not owed")
        self.assertNotIn("4,000.00", text)
        note = notice.message_ids.filtered(lambda m: "Left out, no longer owed" in str(m.body))
        self.assertTrue(note)
        for gone in (paid, cancelled):
            self.assertIn(gone.name, str(note.body))
        self.assertIn(f"{draft.name} (Draft)", str(note.body))
        self.assertIn(f"{cancelled.name} (Cancelled)", str(note.body))
        self.assertIn(f"{paid.name} (", str(note.body))
        with freeze_time(TODAY):
            self._mark_posted(notice)
        self.assertEqual(notice.state, "sent")
        self.assertEqual(
            (paid | draft | cancelled).mapped("dunning_level_id"), self.env["account.dunning.level"]
        )
        self.assertEqual(due.dunning_level_id, self.level_notice)

    def test_notice_of_invoices_all_paid_is_cancelled_with_the_reason(self):
        invoice = self._invoices([(self.customer, TODAY - D(60), 800.0)])
        notice = self._notice(invoice)
        self._pay(invoice, invoice.amount_total, TODAY)
        with freeze_time(TODAY):
            notice.action_validate()
        self.assertEqual(notice.state, "cancelled")
        self.assertIn("Cancelled automatically", notice.cancel_reason)
        self.assertFalse(notice.attachment_id, "no document claiming a paid invoice")
        self.assertFalse(notice.mail_message_id, "no email copy either")

    def test_collector_without_email_validates_a_notice_with_its_email_copy(self):
        collector = self.collector
        invoice = self._invoices([(self.customer, TODAY - D(60), 800.0)])
        notice = self._notice(invoice)
        with smtp_server(self.env) as sink:
            with freeze_time(TODAY):
                notice.with_user(collector).action_validate()
            self.assertEqual(notice.state, "to_send", "the letter waits to be posted")
            self._process_mail_queue(TODAY)
            message = sink.wait_for(1)[0]
        self.assertEqual(message["From"].addresses[0].addr_spec, "compta@dupont.test")
        self.assertEqual(message["To"].addresses[0].addr_spec, self.customer.email)
        self.assertEqual(notice.email_status, "sent")
        self.assertEqual(notice.state, "to_send", "a copy is not the registered letter")
        self.assertEqual(notice.mail_message_id.author_id, self.company.partner_id)

    def test_failed_email_copy_is_shown_and_the_letter_still_posted(self):
        invoice = self._invoices([(self.customer, TODAY - D(60), 800.0)])
        notice = self._notice(invoice)
        with freeze_time(TODAY):
            notice.action_validate()
        with smtp_down(self.env):
            self._process_mail_queue(TODAY)
        self.assertEqual(notice.email_status, "exception")
        self.assertEqual(notice.state, "to_send")
        with freeze_time(TODAY):
            self._mark_posted(notice)
        self.assertEqual(notice.state, "sent", "the posted letter is the evidence")
        self.assertEqual(notice.email_status, "exception", "the copy's failure still shown")
        self.assertEqual(invoice.dunning_level_id, self.level_notice)
