"""The customer follow-up screen (issue 15, requirement 1): a customer's open items at several
ages with their dunning figures, totals by ageing bucket, history, and each action of the
collector, with the credit hold reserved to managers over RPC."""

import base64
import subprocess
import tempfile
import time
import xmlrpc.client
from datetime import timedelta as D

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged

from .common import TODAY
from .credit_common import CreditCase

DISPUTE_VIEW = "account_dunning_fr.account_move_view_form_dunning_followup"


class FollowupDataset(CreditCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.dunning_collector_id = cls.collector
        (cls.not_due, cls.late_15, cls.late_45, cls.late_100) = cls._invoices(
            [
                (cls.customer, TODAY + D(10), 1000.0),
                (cls.customer, TODAY - D(15), 2000.0),
                (cls.customer, TODAY - D(45), 3000.0),
                (cls.customer, TODAY - D(100), 500.0),
            ]
        )
        cls.other_customer_invoice = cls._invoices([(cls.customer_2, TODAY - D(45), 999.0)])
        cls.refund = cls._invoices([(cls.customer, TODAY - D(20), 300.0)], move_type="out_refund")
        with freeze_time(TODAY - D(5)):
            cls.payment = cls.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": cls.contact.id,  # a contact's payment rolls up to its company
                    "amount": 250.0,
                    "date": TODAY - D(5),
                }
            )
            cls.payment.action_post()

    def _followup(self, when=TODAY, user=None, partner=None):
        env = self.env(user=user) if user else self.env
        with freeze_time(when):
            action = (partner or self.customer).with_env(env).action_dunning_followup()
        self.assertEqual(action["res_model"], "account.dunning.followup")
        return env["account.dunning.followup"].browse(action["res_id"])

    def _line(self, followup, move):
        return followup.line_ids.filtered(lambda line: line.move_id == move)


@tagged("post_install", "-at_install")
class TestFollowupScreen(FollowupDataset):
    def test_open_items_buckets_and_figures(self):
        self._run(TODAY)  # the courtesy reminder of the late invoices
        followup = self._followup(TODAY, user=self.collector)
        with freeze_time(TODAY):
            self.assertEqual(
                followup.line_ids.move_id,
                self.not_due
                | self.late_15
                | self.late_45
                | self.late_100
                | self.refund
                | self.payment.move_id,
                "its invoices, credit note and unallocated payment, not the other customer's",
            )
            kinds = {line.move_id: line.kind for line in followup.line_ids}
            self.assertEqual(kinds[self.refund], "refund")
            self.assertEqual(kinds[self.payment.move_id], "payment")
            self.assertEqual(kinds[self.late_45], "invoice")
            late_45 = self._line(followup, self.late_45)
            self.assertEqual(late_45.days_overdue, 45)
            self.assertEqual(late_45.date_due, TODAY - D(45))
            self.assertEqual(late_45.level_id, self.level_courtesy)
            self.assertEqual(late_45.last_date, TODAY)
            self.assertTrue(late_45.next_date, "the next reminder's date")
            self.assertGreater(late_45.interest_amount, 0.0)
            self.assertEqual(late_45.indemnity_amount, 40.0, "a professional owes 40 EUR")
            self.assertEqual(self._line(followup, self.not_due).days_overdue, 0)
            self.assertEqual(self._line(followup, self.payment.move_id).amount, -250.0)
            # totals by the company's buckets: not due, 1-30, 31-60, 61-90, 91-120, over 120
            buckets = {line.bucket: 0.0 for line in followup.line_ids}
            for line in followup.line_ids:
                buckets[line.bucket] += line.amount
            self.assertEqual(
                buckets, {"0": 1000.0, "1": 2000.0 - 300.0 - 250.0, "2": 3000.0, "4": 500.0}
            )
            self.assertEqual(followup.amount_due, 5950.0)
            self.assertEqual(followup.amount_overdue, 4950.0)
            self.assertEqual(followup.indemnity_total, 120.0)
            self.assertIn("1-30 days", followup.bucket_summary)
            self.assertIn("1,450.00", followup.bucket_summary)
            self.assertEqual(followup.communication_ids.level_id, self.level_courtesy)
            self.assertEqual(
                followup.display_name, "Follow-up of Boulangerie Martin SARL", "its title"
            )
            self.assertEqual(followup.level_id, self.level_1, "the next level is proposed")

    def test_buckets_follow_the_company_setting(self):
        self.company.dunning_aged_bucket_limits = "10,50"
        followup = self._followup(TODAY)
        buckets = {line.move_id: line.bucket for line in followup.line_ids}
        self.assertEqual(buckets[self.late_15], "2")
        self.assertEqual(buckets[self.late_100], "3")
        self.assertIn("Over 50 days", followup.bucket_summary)

    def test_opened_from_a_communication_and_the_contact(self):
        comm = self._run(TODAY).filtered(lambda c: c.partner_id == self.customer)
        with freeze_time(TODAY):
            action = comm.with_user(self.collector).action_open_followup()
        followup = self.env["account.dunning.followup"].browse(action["res_id"])
        self.assertEqual(followup.partner_id, self.customer)
        self.assertEqual(self._followup(TODAY, partner=self.contact).partner_id, self.customer)

    def test_fast_on_300_open_invoices(self):
        self._invoices([(self.customer, TODAY - D(n % 150), 100.0) for n in range(300)])
        queries, started = self.env.cr.sql_log_count, time.monotonic()
        followup = self._followup(TODAY)
        with freeze_time(TODAY):
            followup.line_ids.mapped("interest_amount")
            followup.bucket_summary  # noqa: B018 - the totals as the form reads them
        elapsed = time.monotonic() - started
        self.assertEqual(len(followup.line_ids), 306)
        self.assertLess(self.env.cr.sql_log_count - queries, 200, "no query per invoice")
        self.assertLess(elapsed, 20.0)


@tagged("post_install", "-at_install")
class TestFollowupActions(FollowupDataset):
    def test_send_the_chosen_level_now(self):
        self._run(TODAY)
        followup = self._followup(TODAY + D(1), user=self.collector)
        followup.level_id = self.level_2  # a letter, validated by a person
        with freeze_time(TODAY + D(1)):
            result = followup.action_send_reminder()
        comm = self.env["account.dunning.communication"].search(
            [("partner_id", "=", self.customer.id), ("level_id", "=", self.level_2.id)]
        )
        self.assertEqual(comm.line_ids.move_id, self.late_15 | self.late_45 | self.late_100)
        self.assertEqual(comm.state, "to_send", "validated: a letter waits to be posted")
        self.assertEqual(comm.validated_uid, self.collector)
        self.assertIn("1 reminder(s) of level Reminder 2", result["params"]["message"])
        self.assertIn(comm.name, result["params"]["message"])
        self.assertEqual(
            self._line(followup, self.late_45).move_id.dunning_level_override_id, self.level_2
        )
        # sent today already: a second click says why nothing is made
        with freeze_time(TODAY + D(1)), self.assertRaises(UserError) as caught:
            followup.action_send_reminder()
        self.assertIn("held by", str(caught.exception))

    def test_nothing_to_remind(self):
        followup = self._followup(TODAY, partner=self.customer_2)
        self.other_customer_invoice.dunning_disputed = True
        followup.action_refresh()
        followup.level_id = self.level_1
        with self.assertRaises(UserError):
            followup.action_send_reminder()

    def test_statement_printed_and_emailed(self):
        self.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        followup = self._followup(TODAY)
        with freeze_time(TODAY):
            action = followup.action_print_statement()
            self.assertEqual(action["report_name"], "account_dunning_fr.report_dunning_statement")
            composer_action = followup.with_context(
                force_report_rendering=True
            ).action_email_statement()
        context = composer_action["context"]
        self.assertEqual(composer_action["res_model"], "mail.compose.message")
        attachment = self.env["ir.attachment"].browse(context["default_attachment_ids"])
        self.assertEqual(attachment.mimetype, "application/pdf")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
            tmp.write(base64.b64decode(attachment.datas))
            tmp.flush()
            text = subprocess.run(
                ["pdftotext", tmp.name, "-"], capture_output=True, text=True, check=True
            ).stdout
        self.assertIn("Boulangerie Martin SARL", text)
        self.assertIn(self.late_45.name, text)
        composer = self.env["mail.compose.message"].with_context(**context).create({})
        self.assertEqual(composer.partner_ids, self.customer)
        self.assertIn("Statement of account", composer.subject)

    def test_log_a_call_with_outcome_and_next_date(self):
        followup = self._followup(TODAY, user=self.collector)
        with freeze_time(TODAY):
            action = followup.action_log_call()
            call = (
                self.env["account.dunning.call"].with_user(self.collector).browse(action["res_id"])
            )
            call.write({"outcome": "no_answer", "note": "Standard busy", "next_date": TODAY + D(2)})
            call.action_confirm()
        followup.invalidate_recordset()
        message = followup.call_ids
        self.assertEqual(len(message), 1)
        self.assertIn("No answer", message.body)
        self.assertIn("Standard busy", message.body)
        self.assertEqual(message.author_id, self.collector.partner_id)
        activity = self.customer.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.date_deadline, TODAY + D(2))
        self.assertEqual(activity.user_id, self.collector, "the customer's collector")
        with freeze_time(TODAY), self.assertRaises(UserError):
            call.copy({"next_date": TODAY - D(1)}).action_confirm()

    def test_record_a_promise_and_open_a_plan(self):
        followup = self._followup(TODAY, user=self.collector)
        action = followup.action_record_promise()
        with freeze_time(TODAY):
            promise = (
                self.env["account.dunning.promise"]
                .with_user(self.collector)
                .with_context(**action["context"])
                .create({"date": TODAY + D(7)})
            )
        self.assertEqual(promise.partner_id, self.customer)
        self.assertEqual(promise.amount, 4950.0, "the overdue balance is proposed")
        followup.invalidate_recordset()
        self.assertEqual(followup.promise_ids, promise)
        action = followup.action_open_plan()
        plan = (
            self.env["account.dunning.payment.plan"]
            .with_user(self.collector)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(plan.invoice_ids, self.late_15 | self.late_45 | self.late_100)
        followup.invalidate_recordset()
        self.assertEqual(followup.plan_ids, plan)

    def test_dispute_and_exclude_an_invoice(self):
        reason = self.env["account.dunning.dispute.reason"].create({"name": "Damaged goods"})
        followup = self._followup(TODAY, user=self.collector)
        with freeze_time(TODAY):
            action = self._line(followup, self.late_100).action_dispute()
            self.assertTrue(self.late_100.dunning_disputed)
            self.assertEqual(self.late_100.dunning_dispute_date, TODAY)
            self.assertEqual(action["res_id"], self.late_100.id)
            with Form(self.late_100.with_user(self.collector), view=DISPUTE_VIEW) as form:
                form.dunning_dispute_reason_id = reason
            self.assertEqual(self.late_100.dunning_dispute_reason_id, reason)
            action = self._line(followup, self.late_45).action_exclude()
            with Form(self.late_45.with_user(self.collector), view=DISPUTE_VIEW) as form:
                form.dunning_excluded_until = TODAY + D(20)
            self.assertEqual(self._line(followup, self.late_45).excluded_until, TODAY + D(20))
            with self.assertRaises(UserError):
                self._line(followup, self.refund).action_dispute()
        # the run leaves both aside: the disputed one, the excluded one until its date
        first = self._run(TODAY).filtered(lambda c: c.partner_id == self.customer)
        self.assertEqual(first.line_ids.move_id, self.late_15)
        self._run(TODAY + D(10))  # Reminder 1 of the one left
        self.assertFalse(self.late_45.dunning_level_id)
        self._pay(self.late_15, 2000.0, TODAY + D(15))
        later = self._run(TODAY + D(21)).filtered(lambda c: c.partner_id == self.customer)
        self.assertIn(self.late_45, later.line_ids.move_id, "reminded after its exclusion")
        self.assertNotIn(self.late_100, later.line_ids.move_id)

    def test_credit_hold_is_a_managers_decision(self):
        followup = self._followup(TODAY, user=self.collector)
        with self.assertRaises(AccessError):
            followup.action_credit_hold()
        self.assertFalse(self.customer.dunning_credit_hold)
        followup = self._followup(TODAY, user=self.manager)
        result = followup.action_credit_hold()
        self.assertIn("is on credit hold", result["params"]["message"])
        self.assertTrue(self.customer.dunning_credit_hold)
        self.assertEqual(self.customer.dunning_credit_hold_reason, "manual")
        collector_view = self._followup(TODAY, user=self.collector)
        with self.assertRaises(AccessError):
            collector_view.action_credit_release()
        followup.action_credit_release()
        self.assertFalse(self.customer.dunning_credit_hold)


@tagged("post_install", "-at_install")
class TestFollowupRpc(HttpCase, FollowupDataset):
    def _xmlrpc(self, user, model, method, *args):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, list(args), {}
        )

    def test_collector_cannot_hold_over_rpc(self):
        action = self._xmlrpc(
            self.collector, "res.partner", "action_dunning_followup", [self.customer.id]
        )
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self._xmlrpc(
                self.collector, "account.dunning.followup", "action_credit_hold", [action["res_id"]]
            )
        self.assertEqual(caught.exception.faultCode, 4, caught.exception.faultString)
        self.assertIn("Only a dunning manager", caught.exception.faultString)
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.dunning_credit_hold)
        self.customer.dunning_credit_hold = True
        with self.assertRaises(xmlrpc.client.Fault):
            self._xmlrpc(
                self.collector,
                "account.dunning.followup",
                "action_credit_release",
                [action["res_id"]],
            )
        self.customer.invalidate_recordset()
        self.assertTrue(self.customer.dunning_credit_hold)
        action = self._xmlrpc(
            self.manager, "res.partner", "action_dunning_followup", [self.customer.id]
        )
        self._xmlrpc(
            self.manager, "account.dunning.followup", "action_credit_release", [action["res_id"]]
        )
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.dunning_credit_hold)
