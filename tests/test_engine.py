from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import TODAY, DunningCase

D = timedelta


@tagged("post_install", "-at_install")
class TestDunningEngine(DunningCase):
    # ---- configuration ------------------------------------------------------------------------

    def test_delays_must_increase_with_sequence(self):
        with self.assertRaisesRegex(ValidationError, "strictly increase"):
            self.level_2.delay_days = 5  # below Reminder 1 (10 days)

    def test_policy_needs_a_level(self):
        with self.assertRaisesRegex(ValidationError, "at least one level"):
            self.env["account.dunning.policy"].create({"name": "Empty", "level_ids": []})

    def test_one_default_policy_per_company(self):
        new_default = self.policy.copy({"name": "Strict", "is_default": True})
        defaults = self.env["account.dunning.policy"].search(
            [
                ("company_id", "=", self.company.id),
                ("is_default", "=", True),
                ("customer_kind", "=", "b2b"),
            ]
        )
        self.assertEqual(defaults, new_default, "the new default replaces the previous one")
        self.policy.is_default = True
        self.assertFalse(new_default.is_default)

    def test_new_company_gets_a_default_policy(self):
        company = self.env["res.company"].create({"name": "Nouvelle Société"})
        policy = self.env["account.dunning.policy"].search(
            [
                ("company_id", "=", company.id),
                ("is_default", "=", True),
                ("customer_kind", "=", "b2b"),
            ]
        )
        self.assertEqual(len(policy), 1)
        self.assertEqual(
            policy._get_levels_in_order().mapped("channel"),
            ["email", "email", "email", "phone", "formal_notice", "litigation"],
        )

    # ---- level rule ---------------------------------------------------------------------------

    def test_courtesy_reminder_before_due_date(self):
        inv = self._invoices([(self.customer, TODAY + D(5), 1000.0)])
        self.assertFalse(self._run(TODAY), "5 days before the due date: too early")
        comms = self._run(TODAY + D(2))  # 3 days before
        self.assertEqual(comms.level_id, self.level_courtesy)
        self.assertEqual(comms.state, "sent", "courtesy level is sent automatically")
        self.assertEqual(inv.dunning_level_id, self.level_courtesy)
        self.assertEqual(inv.dunning_last_date, TODAY + D(2))
        self.assertEqual(comms.line_ids.days_overdue, -3)
        self.assertTrue(comms.is_courtesy)
        self.assertIn("will soon be due", comms.mail_message_id.body)

    def test_one_level_per_run_and_minimum_gap(self):
        inv = self._invoices([(self.customer, TODAY - D(40), 500.0)])
        # 40 days late: Call is reached, but the invoice climbs one level per run.
        comms = self._run(TODAY)
        self.assertEqual(comms.level_id, self.level_courtesy)
        self.assertFalse(comms.is_courtesy, "already late: not worded as a courtesy reminder")
        self.assertIn("remain unpaid", comms.mail_message_id.body)
        self.assertFalse(self._run(TODAY), "a second run the same day sends nothing")
        comms = self._run(TODAY + D(1))  # Reminder 1 has a 5-day gap
        self.assertFalse(comms)
        comms = self._run(TODAY + D(5))
        self.assertEqual(comms.level_id, self.level_1)
        self.assertEqual(inv.dunning_level_id, comms.level_id)
        self.assertEqual(inv.dunning_next_date, TODAY + D(15), "Reminder 2 needs a 10-day gap")
        self.assertFalse(self._run(TODAY + D(14)))
        comms = self._run(TODAY + D(15))
        self.assertEqual(comms.level_id, self.level_2)
        self.assertEqual(comms.state, "draft", "Reminder 2 waits for validation")
        self.assertEqual(inv.dunning_level_id, self.level_1, "not sent yet")
        self.assertFalse(self._run(TODAY + D(16)), "a pending communication holds its invoices")

    def test_level_waits_for_its_delay(self):
        inv = self._invoices([(self.customer, TODAY - D(12), 500.0)])
        self.assertEqual(self._run(TODAY).level_id, self.level_courtesy)
        self.assertEqual(self._run(TODAY + D(5)).level_id, self.level_1)
        # Reminder 2 needs 20 days late (due + 20 = TODAY + 8) and a 10-day gap (TODAY + 15).
        self.assertEqual(inv.dunning_next_date, TODAY + D(15))

    def test_paid_and_reversed_invoices_leave_the_process(self):
        paid, reversed_inv, open_inv = self._invoices(
            [
                (self.customer, TODAY - D(15), 100.0),
                (self.customer, TODAY - D(15), 200.0),
                (self.customer, TODAY - D(15), 300.0),
            ]
        )
        self._pay(paid, 100.0, TODAY - D(1))
        with freeze_time(TODAY):
            reversed_inv._reverse_moves(cancel=True)
        comms = self._run(TODAY)
        self.assertEqual(comms.line_ids.move_id, open_inv)
        self.assertFalse(paid.dunning_next_date)

    def test_partial_payment_and_credit_note(self):
        inv, inv_2 = self._invoices(
            [(self.customer, TODAY - D(15), 1000.0), (self.customer, TODAY - D(15), 400.0)]
        )
        self._pay(inv, 300.0, TODAY - D(2))
        refund = self._invoices([(self.customer, TODAY, 150.0)], move_type="out_refund")
        comms = self._run(TODAY)
        self.assertEqual(len(comms), 1)
        line = comms.line_ids.filtered(lambda line: line.move_id == inv)
        self.assertAlmostEqual(line.amount_due, 700.0, msg="the partial payment reduces the due")
        self.assertAlmostEqual(line.amount_total, 1000.0)
        self.assertAlmostEqual(comms.amount_due, 1100.0)
        self.assertAlmostEqual(comms.amount_credit, 150.0, msg="the open credit note is shown")
        self.assertAlmostEqual(comms.amount_balance, 950.0)
        self.assertTrue(refund.state == "posted" and inv_2 in comms.line_ids.move_id)

    def test_credits_covering_the_debt_stop_the_reminder(self):
        self._invoices([(self.customer, TODAY - D(15), 100.0)])
        self._invoices([(self.customer, TODAY, 150.0)], move_type="out_refund")
        self.assertFalse(self._run(TODAY))

    def test_two_currencies_give_two_communications(self):
        eur = self.setup_other_currency("EUR", rates=[("2020-01-01", 0.9)])
        inv_usd, inv_eur = self._invoices(
            [(self.customer, TODAY - D(15), 100.0), (self.customer, TODAY - D(15), 90.0, eur)]
        )
        comms = self._run(TODAY)
        self.assertEqual(len(comms), 2)
        self.assertEqual(self._comm_of(comms, inv_eur).currency_id, eur)
        self.assertAlmostEqual(self._comm_of(comms, inv_eur).amount_due, 90.0)
        self.assertEqual(self._comm_of(comms, inv_usd).currency_id, self.company.currency_id)

    def test_disputed_invoice_is_never_dunned_and_listed_apart(self):
        inv, disputed = self._invoices(
            [(self.customer, TODAY - D(15), 100.0), (self.customer, TODAY - D(15), 200.0)]
        )
        with freeze_time(TODAY):
            disputed.write({"dunning_disputed": True, "dunning_dispute_note": "Wrong quantity"})
        self.assertEqual(disputed.dunning_dispute_date, TODAY)
        comms = self._run(TODAY)
        self.assertEqual(comms.line_ids.move_id, inv)
        self.assertEqual(comms.disputed_invoice_ids, disputed)
        self.assertFalse(comms.other_open_invoice_ids)
        disputed_menu = self.env.ref("account_dunning_fr.action_account_move_disputed")
        self.assertIn(disputed, self.env["account.move"].search(eval(disputed_menu.domain)))

    def test_other_open_invoices_are_listed_for_information(self):
        late, not_due = self._invoices(
            [(self.customer, TODAY - D(15), 100.0), (self.customer, TODAY + D(20), 50.0)]
        )
        comms = self._run(TODAY)
        self.assertEqual(comms.line_ids.move_id, late)
        self.assertEqual(comms.other_open_invoice_ids, not_due)

    def test_contacts_roll_up_to_their_company(self):
        inv_contact, inv_company = self._invoices(
            [(self.contact, TODAY - D(15), 100.0), (self.customer, TODAY - D(15), 50.0)]
        )
        comms = self._run(TODAY)
        self.assertEqual(len(comms), 1, "one communication for the company and its contact")
        self.assertEqual(comms.partner_id, self.customer)
        self.assertEqual(comms.line_ids.move_id, inv_contact | inv_company)
        self.assertEqual(self.customer.dunning_communication_count, 1)

    def test_invoicing_contact_receives_the_email(self):
        billing = self.env["res.partner"].create(
            {
                "name": "Service comptable",
                "parent_id": self.customer.id,
                "type": "invoice",
                "email": "factures@martin.test",
            }
        )
        self._invoices([(self.customer, TODAY - D(15), 100.0)])
        comms = self._run(TODAY)
        self.assertEqual(comms.recipient_id, billing)
        self.assertIn(billing, comms.mail_message_id.partner_ids)

    def test_excluded_customer_and_policy_per_customer(self):
        self.customer.dunning_excluded = True
        self._invoices([(self.customer, TODAY - D(15), 100.0)])
        self.assertFalse(self._run(TODAY))
        # A customer's own policy wins over the company default.
        other = self.policy.copy({"name": "Patient", "is_default": False})
        other.level_ids.sorted("sequence")[0].delay_days = -1
        self.customer_2.dunning_policy_id = other
        inv = self._invoices([(self.customer_2, TODAY + D(2), 100.0)])
        self.assertFalse(self._run(TODAY + D(0)) & self._comm_of(self._run(TODAY), inv))
        comms = self._run(TODAY + D(1))
        self.assertEqual(comms.level_id.policy_id, other)

    def test_manual_level_override(self):
        inv = self._invoices([(self.customer, TODAY - D(2), 100.0)])
        inv.dunning_level_override_id = self.level_call
        comms = self._run(TODAY)
        self.assertEqual(comms.level_id, self.level_call)
        self.assertEqual(comms.channel, "phone")
        self.assertEqual(inv.dunning_level_id, self.level_call)
        self.assertFalse(inv.dunning_level_override_id, "cleared once sent")

    def test_minimum_amount(self):
        self.level_courtesy.min_amount = 500.0
        self._invoices([(self.customer, TODAY + D(2), 100.0)])
        self.assertFalse(self._run(TODAY))

    # ---- channels and states ------------------------------------------------------------------

    def test_email_goes_through_the_mail_queue_with_pdf(self):
        inv = self._invoices([(self.customer, TODAY - D(15), 100.0)])
        comms = self._run(TODAY, mail_queue=False)
        self.assertEqual(comms.channel, "email")
        self.assertEqual(comms.state, "queued", "not evidence before the mail left")
        self.assertFalse(inv.dunning_level_id, "the invoice moves when the mail is sent")
        self.assertEqual(comms.email_status, "ready", "queued, not sent yet")
        mail = self.env["mail.mail"].search([("mail_message_id", "=", comms.mail_message_id.id)])
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(comms.attachment_id.mimetype, "application/pdf")
        self.assertIn(comms.attachment_id, comms.mail_message_id.attachment_ids)
        self.assertIn("Boulangerie Martin", comms.mail_message_id.body)
        with freeze_time(TODAY + D(1)):
            mail.send()
        self.assertEqual(comms.email_status, "sent")
        self.assertEqual(comms.state, "sent")
        self.assertEqual(comms.sent_date, TODAY + D(1), "the day the mail left")
        self.assertEqual(
            (inv.dunning_level_id, inv.dunning_last_date), (comms.level_id, TODAY + D(1))
        )

    def test_email_failure_is_visible_and_retried(self):
        self.customer.email = "not an address"
        inv = self._invoices([(self.customer, TODAY - D(15), 100.0)])
        comms = self._run(TODAY, mail_queue=False)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", comms.mail_message_id.id)])
        mail.send()
        self.assertEqual(comms.email_status, "exception")
        self.assertEqual(comms.state, "failed")
        self.assertTrue(comms.email_failure)
        self.assertIn("not an address", comms.failure_reason)
        self.assertFalse(inv.dunning_level_id, "an email that never left moves nothing")
        self.assertIn(
            comms, self.env["account.dunning.communication"].search([("state", "=", "failed")])
        )
        self.assertFalse(self._run(TODAY + D(20)), "a failed communication holds its invoices")
        # Fixed address, retry: a new email is queued.
        self.customer.email = "compta@martin.test"
        message = comms.mail_message_id
        with freeze_time(TODAY + D(1)):
            comms.action_retry()
        self.assertEqual(comms.state, "queued")
        self.assertEqual(comms.email_status, "ready")
        self.assertEqual(comms.mail_message_id, message, "the same email again")
        self._process_mail_queue(TODAY + D(1))
        self.assertEqual(comms.state, "sent")
        self.assertEqual(
            (inv.dunning_level_id, inv.dunning_last_date), (comms.level_id, TODAY + D(1))
        )

    def test_bounce_marks_the_communication_failed(self):
        inv = self._invoices([(self.customer, TODAY - D(15), 100.0)])
        comms = self._run(TODAY)
        self.assertEqual(comms.state, "sent")
        self.assertEqual(inv.dunning_level_id, comms.level_id)
        # What the mail gateway does when the bounce comes back.
        comms.mail_message_id.notification_ids.sudo().write({"notification_status": "bounce"})
        self.assertEqual(comms.email_status, "bounce")
        self.assertEqual(comms.state, "failed")
        self.assertFalse(inv.dunning_level_id, "back where it was: the customer was not told")

    def test_customer_without_email_gets_a_letter(self):
        self.customer.email = False
        self.contact.email = False
        inv = self._invoices([(self.customer, TODAY - D(15), 100.0)])
        comms = self._run(TODAY)
        self.assertEqual(comms.channel, "letter")
        self.assertTrue(comms.email_missing)
        self.assertEqual(comms.state, "to_send", "waits to be printed and posted")
        self.assertTrue(comms.attachment_id, "the PDF is stored for batch printing")
        self.assertFalse(inv.dunning_level_id)
        with freeze_time(TODAY + D(1)):
            self._mark_posted(comms)
        self.assertEqual(comms.state, "sent")
        self.assertEqual(inv.dunning_level_id, self.level_courtesy)
        self.assertEqual(inv.dunning_last_date, TODAY + D(1))

    def test_phone_level_creates_an_activity_for_the_collector(self):
        collector = self.env["res.users"].create(
            {"name": "Claire Recouvrement", "login": "claire.dunning"}
        )
        self.customer.dunning_collector_id = collector
        inv = self._invoices([(self.customer, TODAY - D(2), 1234.5)])
        inv.dunning_level_override_id = self.level_call
        comms = self._run(TODAY)
        activity = comms.activity_ids
        self.assertEqual(activity.user_id, collector)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertIn("1,234.50", activity.summary)
        self.assertIn(inv.name, str(activity.note))

    def test_validation_of_one_and_of_many(self):
        self.level_courtesy.auto_send = False
        self._invoices(
            [
                (self.customer, TODAY + D(2), 100.0),
                (self.customer_2, TODAY + D(2), 100.0),
                (self.contact, TODAY + D(2), 100.0),
            ]
        )
        partner_3 = self.env["res.partner"].create({"name": "Tiers", "email": "t@tiers.test"})
        self._invoices([(partner_3, TODAY + D(2), 100.0)])
        comms = self._run(TODAY)
        self.assertEqual(len(comms), 3)
        self.assertEqual(set(comms.mapped("state")), {"draft"})
        with freeze_time(TODAY):
            comms[0].action_validate()
        self.assertEqual(comms[0].state, "queued")
        self._process_mail_queue(TODAY)
        self.assertEqual(comms[0].state, "sent")
        self.assertEqual(comms[0].validated_uid, self.env.user)
        self.assertEqual(comms[0].sent_uid, self.env.user, "sent by who validated it")
        self.assertEqual(set(comms[1:].mapped("state")), {"draft"})
        with freeze_time(TODAY):
            comms[1:].action_validate()
        self._process_mail_queue(TODAY)
        self.assertEqual(set(comms.mapped("state")), {"sent"})
        with self.assertRaisesRegex(UserError, "waiting for validation"):
            comms.action_validate()

    def test_credit_hold_level(self):
        self._invoices([(self.customer, TODAY - D(25), 100.0)])
        self._run(TODAY)
        self._run(TODAY + D(5))
        comms = self._run(TODAY + D(15))
        self.assertEqual(comms.level_id, self.level_2)
        self.assertFalse(self.customer.dunning_credit_hold)
        with freeze_time(TODAY + D(15)):
            comms.action_validate()
            self._mark_posted(comms)
        self.assertTrue(self.customer.dunning_credit_hold)
        self.assertTrue(self.contact.dunning_credit_hold, "contacts follow their company")

    # ---- evidence -----------------------------------------------------------------------------

    def test_evidence_in_chatter_and_smart_buttons(self):
        inv = self._invoices([(self.customer, TODAY - D(15), 100.0)])
        comms = self._run(TODAY)
        for record in (self.customer, inv):
            bodies = " ".join(record.message_ids.mapped("body"))
            self.assertIn(comms.name, bodies)
        self.assertEqual(inv.dunning_communication_count, 1)
        action = inv.action_view_dunning_communications()
        self.assertEqual(self.env["account.dunning.communication"].search(action["domain"]), comms)
        action = self.customer.action_view_dunning_communications()
        self.assertEqual(self.env["account.dunning.communication"].search(action["domain"]), comms)
        self.assertEqual(self.customer.dunning_communication_ids, comms)

    def test_sent_communication_cannot_be_deleted_or_edited(self):
        self._invoices([(self.customer, TODAY - D(15), 100.0)])
        comms = self._run(TODAY)
        self.assertEqual(comms.state, "sent")
        with self.assertRaisesRegex(UserError, "evidence"):
            comms.unlink()
        with self.assertRaisesRegex(UserError, "evidence"):
            comms.write({"amount_credit": 10.0})
        with self.assertRaisesRegex(UserError, "frozen"):
            comms.line_ids.write({"amount_due": 1.0})
        with self.assertRaisesRegex(UserError, "reason"):
            comms.action_cancel("  ")
        wizard = (
            self.env["account.dunning.communication.cancel"]
            .with_context(active_ids=comms.ids)
            .create({"reason": "Sent to the wrong customer"})
        )
        with freeze_time(TODAY):
            wizard.action_confirm()
        self.assertEqual(comms.state, "cancelled")
        self.assertEqual(comms.cancel_reason, "Sent to the wrong customer")
        self.assertEqual(comms.cancel_date, TODAY)
        self.assertTrue(comms.exists(), "still there as evidence")

    def _cancel(self, comms, when=TODAY):
        wizard = (
            self.env["account.dunning.communication.cancel"]
            .with_context(active_ids=comms.ids)
            .create({"reason": "Wrong amounts"})
        )
        with freeze_time(when):
            wizard.action_confirm()
        self.assertEqual(set(comms.mapped("state")), {"cancelled"})

    def test_cancelling_stops_the_queued_email_and_puts_the_invoice_back(self):
        inv = self._invoices([(self.customer, TODAY - D(12), 100.0)])
        inv.write({"dunning_level_id": self.level_courtesy.id, "dunning_last_date": TODAY - D(20)})
        comms = self._run(TODAY, mail_queue=False)
        self.assertEqual(comms.level_id, self.level_1)
        self.assertEqual(comms.state, "queued")
        self.assertEqual(
            (inv.dunning_level_id, inv.dunning_last_date),
            (self.level_courtesy, TODAY - D(20)),
            "not moved before the mail is sent",
        )
        mail = self.env["mail.mail"].search([("mail_message_id", "=", comms.mail_message_id.id)])
        self.assertEqual(mail.state, "outgoing", "queued, not sent yet")
        self._cancel(comms)
        self.assertEqual(mail.state, "cancel")
        self.assertEqual(comms.email_status, "canceled")
        self.env["mail.mail"].sudo().process_email_queue()
        self.assertEqual(mail.state, "cancel", "the mail queue never sends it")
        self.assertEqual(comms.state, "cancelled")
        self.assertEqual(
            (inv.dunning_level_id, inv.dunning_last_date),
            (self.level_courtesy, TODAY - D(20)),
            "the invoice is back where it was",
        )
        again = self._run(TODAY)
        self.assertEqual(again.line_ids.move_id, inv, "the next run reminds it again")
        self.assertEqual(again.level_id, self.level_1)

    def test_cancelling_removes_the_activities(self):
        inv = self._invoices([(self.customer, TODAY - D(2), 1234.5)])
        inv.dunning_level_override_id = self.level_call
        comms = self._run(TODAY)
        self.assertTrue(comms.activity_ids)
        self._cancel(comms)
        self.assertFalse(comms.activity_ids, "no call left to make")
        self.assertFalse(self.env["mail.activity"].search([("res_id", "=", comms.id)]))
        self.assertFalse(inv.dunning_level_id)
        self.assertEqual(inv.dunning_level_override_id, self.level_call, "the override is back")

    def test_cancelling_an_older_communication_keeps_the_later_level(self):
        inv = self._invoices([(self.customer, TODAY - D(12), 100.0)])
        first = self._run(TODAY)
        self.assertEqual(first.level_id, self.level_courtesy)
        second = self._run(TODAY + D(5))
        self.assertEqual(second.level_id, self.level_1)
        self._cancel(first, TODAY + D(5))
        self.assertEqual(inv.dunning_level_id, self.level_1, "a later communication moved it")
        self.assertEqual(inv.dunning_last_date, TODAY + D(5))

    def test_run_log_says_why_invoices_are_skipped(self):
        held, today, gap = self._invoices(
            [
                (self.customer, TODAY - D(25), 100.0),
                (self.customer_2, TODAY - D(15), 100.0),
                (self.contact, TODAY - D(12), 100.0),
            ]
        )
        held.write({"dunning_level_id": self.level_1.id, "dunning_last_date": TODAY - D(20)})
        gap.write({"dunning_level_id": self.level_courtesy.id, "dunning_last_date": TODAY - D(2)})
        comms = self._run(TODAY)
        pending = self._comm_of(comms, held)
        self.assertEqual(pending.state, "draft", "Reminder 2 waits for validation")
        self.assertFalse(self._comm_of(comms, gap))
        run = comms.run_id
        self.assertIn(f"{gap.name} skipped: Reminder 1 not before 03/05/2026 (minimum gap", run.log)
        self._run(TODAY)
        self.assertIn(
            f"{held.name} skipped: held by {pending.name}, not sent or cancelled yet", run.log
        )
        self.assertIn(f"{today.name} skipped: already reminded on 03/02/2026", run.log)
        self.level_1.min_amount = 1000.0
        self.assertFalse(self._run(TODAY + D(10)).filtered(lambda c: c.level_id == self.level_1))
        run_2 = self.env["account.dunning.run"].search([("date", "=", TODAY + D(10))])
        self.assertIn(
            f"{gap.name} skipped: Boulangerie Martin SARL owes less than the minimum amount",
            run_2.log,
        )

    def test_no_softer_communication_beside_a_firm_one(self):
        soon, late = self._invoices(
            [(self.customer, TODAY + D(2), 100.0), (self.customer, TODAY - D(25), 900.0)]
        )
        late.dunning_level_override_id = self.level_2  # final reminder (firm tone)
        other = self._invoices([(self.customer_2, TODAY + D(2), 50.0)])
        self.assertEqual(self.level_2._get_tone(), "firm")
        self.assertEqual(self.level_courtesy._get_tone(), "soft")
        comms = self._run(TODAY)
        firm = self._comm_of(comms, late)
        self.assertEqual(firm.level_id, self.level_2)
        self.assertFalse(self._comm_of(comms, soon), "no courtesy email beside the final reminder")
        self.assertEqual(self._comm_of(comms, other).level_id, self.level_courtesy)
        self.assertIn(
            f"{soon.name} deferred: Boulangerie Martin SARL gets a firmer communication",
            firm.run_id.log,
        )
        self.assertFalse(soon.dunning_level_id, "it waits for the next run")
        values = firm._get_document_values()[firm.id]
        self.assertEqual(values["other_invoices"], soon, "listed in the firm letter")
        self.assertEqual(firm.amount_due, 900.0, "listed for information, not claimed")
        later = self._run(TODAY + D(1))
        self.assertEqual(self._comm_of(later, soon).level_id, self.level_courtesy)

    def test_draft_communication_can_be_deleted(self):
        self.level_courtesy.auto_send = False
        inv = self._invoices([(self.customer, TODAY + D(2), 100.0)])
        comms = self._run(TODAY)
        comms.unlink()
        self.assertEqual(self._run(TODAY).line_ids.move_id, inv, "the invoice is free again")

    # ---- runs, cron, lock, companies -----------------------------------------------------------

    def test_cron_twice_creates_no_duplicate(self):
        self._invoices(
            [(self.customer, TODAY - D(15), 100.0), (self.customer_2, TODAY - D(40), 50.0)]
        )
        Run = self.env["account.dunning.run"].sudo()  # the scheduled action runs as superuser
        with freeze_time(TODAY):
            for _i in range(10):  # one company per call, then sending batches
                Run._cron_run_dunning()
            comms = self.env["account.dunning.communication"].search(
                [("company_id", "=", self.company.id)]
            )
            self._process_mail_queue()
            messages = self.env["mail.message"].search_count([("model", "=", comms._name)])
            self.assertEqual(len(comms), 2)
            self.assertEqual(set(comms.mapped("state")), {"sent"})
            for _i in range(3):
                Run._cron_run_dunning()
            self.env.ref("account_dunning_fr.ir_cron_account_dunning_run").method_direct_trigger()
        self.assertEqual(
            self.env["account.dunning.communication"].search_count(
                [("company_id", "=", self.company.id)]
            ),
            2,
        )
        self.assertEqual(
            self.env["mail.message"].search_count([("model", "=", comms._name)]), messages
        )
        self.assertEqual(
            Run.search_count([("company_id", "=", self.company.id), ("date", "=", TODAY)]), 1
        )

    def test_concurrent_run_is_refused(self):
        self._invoices([(self.customer, TODAY - D(15), 100.0)])
        with self.registry.cursor() as other_cr:
            other_cr.execute("SELECT pg_advisory_lock(%s, %s)", (0x44554E, self.company.id))
            try:
                with self.assertRaisesRegex(UserError, "already in progress"):
                    self._run(TODAY)
            finally:
                other_cr.execute("SELECT pg_advisory_unlock(%s, %s)", (0x44554E, self.company.id))
        self.assertEqual(len(self._run(TODAY)), 1, "free again once the other run is over")

    def test_run_cannot_be_dated_in_the_future(self):
        with freeze_time(TODAY), self.assertRaisesRegex(ValidationError, "future"):
            self.env["account.dunning.run"].create({"date": TODAY + D(1)})

    def test_two_companies_are_kept_apart(self):
        company_2 = self.setup_other_company(name="Filiale Lyon")["company"]
        policy_2 = self._make_policy(company_2)
        partner = self.customer.with_company(company_2)
        inv_1 = self._invoices([(self.customer, TODAY - D(15), 100.0)])
        inv_2 = self._invoices([(partner, TODAY - D(15), 70.0)], company=company_2)
        comms_1 = self._run(TODAY)
        self.assertEqual(comms_1.line_ids.move_id, inv_1)
        self.assertEqual(comms_1.level_id.policy_id, self.policy)
        comms_2 = self._run(TODAY, company=company_2)
        self.assertEqual(comms_2.line_ids.move_id, inv_2)
        self.assertEqual(comms_2.company_id, company_2)
        self.assertEqual(comms_2.level_id.policy_id, policy_2)
        # A user of the first company only does not see the second company's communications.
        user = self.env["res.users"].create(
            {
                "name": "Comptable",
                "login": "comptable.dunning",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "groups_id": [(6, 0, self.env.ref("account_dunning_fr.group_dunning_user").ids)],
            }
        )
        visible = self.env["account.dunning.communication"].with_user(user).search([])
        self.assertIn(comms_1, visible)
        self.assertNotIn(comms_2, visible)

    def test_references_come_from_the_sequence(self):
        self._invoices(
            [(self.customer, TODAY - D(15), 100.0), (self.customer_2, TODAY - D(15), 50.0)]
        )
        comms = self._run(TODAY)
        self.assertEqual(len(set(comms.mapped("name"))), 2)
        self.assertTrue(all(name.startswith(f"DUN/{TODAY.year}/") for name in comms.mapped("name")))

    def test_invoice_days_overdue_and_filters(self):
        inv = self._invoices([(self.customer, date(2026, 2, 20), 100.0)])
        self.assertEqual(inv.with_context(dunning_date=TODAY).dunning_days_overdue, 10)
        self._run(TODAY)
        found = self.env["account.move"].search(
            [("dunning_level_id", "=", self.level_courtesy.id), ("id", "=", inv.id)]
        )
        self.assertEqual(found, inv)
