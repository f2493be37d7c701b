"""Promises to pay pause escalation, broken ones resume it; payment plans stop dunning their
invoices while paid on time, a missed installment applies the breach action; the plan prints
for signature."""

from datetime import date
from datetime import timedelta as D

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import TODAY
from .credit_common import CreditCase


@tagged("post_install", "-at_install")
class TestCreditPromises(CreditCase):
    def _promise(self, partner, when, amount, **vals):
        return self.env["account.dunning.promise"].create(
            {"partner_id": partner.id, "date": when, "amount": amount, **vals}
        )

    def test_promise_pauses_escalation_and_broken_promise_resumes_it(self):
        inv = self._invoices([(self.customer, TODAY - D(40), 900.0)])
        self.assertEqual(self._run(TODAY).level_id, self.level_courtesy)
        with freeze_time(TODAY + D(2)):
            promise = self._promise(
                self.contact, TODAY + D(10), 900.0, grace_days=3, contact_id=self.contact.id
            )
        self.assertEqual(promise.partner_id, self.customer, "recorded on the company")
        self.assertEqual(promise.receivable_at_promise, 900.0)
        self.assertIn("Promise to pay", self._messages(self.customer))
        self.assertEqual(self.contact.dunning_promise_count, 1)
        self.assertFalse(self._run(TODAY + D(5)), "paused")
        self.assertFalse(self._run(TODAY + D(13)), "paused until the date plus grace days")
        self.assertEqual(promise.state, "open")
        comms = self._run(TODAY + D(14))
        self.assertEqual(promise.state, "broken")
        self.assertIn("broken", self._messages(self.customer))
        self.assertEqual(comms.level_id, self.level_1, "escalation resumes at the next level")
        self.assertEqual(inv.dunning_level_id, self.level_1)

    def test_partly_paid_promise_is_broken(self):
        inv = self._invoices([(self.customer, TODAY - D(40), 900.0)])
        with freeze_time(TODAY):
            promise = self._promise(self.customer, TODAY + D(5), 900.0, grace_days=0)
        self._pay(inv, 400.0, TODAY + D(4))
        self.assertEqual(promise.amount_received, 400.0)
        self.env["account.dunning.promise"]._check_promises(self.company, TODAY + D(6))
        self.assertEqual(promise.state, "broken")

    def test_kept_promise_although_the_customer_kept_buying(self):
        inv = self._invoices([(self.customer_2, TODAY - D(20), 600.0)])
        self._pay(inv, 100.0, TODAY - D(1))  # before the promise: does not count
        with freeze_time(TODAY):
            promise = self._promise(self.customer_2, TODAY + D(7), 500.0)
        self._invoices([(self.customer_2, TODAY + D(30), 2000.0)])  # a new sale meanwhile
        self._pay(inv, 500.0, TODAY + D(5))
        self.assertEqual(promise.amount_received, 500.0)
        self.env["account.dunning.promise"]._check_promises(self.company, TODAY + D(6))
        self.assertEqual(promise.state, "kept")
        self.assertIn("kept", self._messages(self.customer_2))

    def test_cancelled_promise_does_not_pause(self):
        self._invoices([(self.customer, TODAY - D(40), 900.0)])
        promise = self._promise(self.customer, TODAY + D(10), 900.0)
        self.assertFalse(self._run(TODAY))
        promise.action_cancel()
        self.assertEqual(promise.state, "cancelled")
        self.assertTrue(self._run(TODAY + D(1)))

    def test_bad_promise_is_refused(self):
        with self.assertRaises(ValidationError):
            self._promise(self.customer_2, TODAY, 0.0)
        with self.assertRaises(ValidationError):
            self._promise(self.customer_2, TODAY, 10.0, grace_days=-1)

    def test_promise_to_one_company_does_not_pause_the_other(self):
        company_2 = self.setup_other_company(name="Filiale Lyon")["company"]
        self._make_policy(company_2)
        self._invoices([(self.customer, TODAY - D(15), 100.0)])
        self._invoices([(self.customer, TODAY - D(15), 70.0)], company=company_2)
        promise_2 = (
            self.env["account.dunning.promise"]
            .with_company(company_2)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_2.id,
                    "date": TODAY + D(10),
                    "amount": 70.0,
                }
            )
        )
        self.assertEqual(promise_2.receivable_at_promise, 70.0, "its own company's receivable")
        self.assertTrue(self._run(TODAY), "a promise made to the other company does not pause")
        self.assertFalse(self._run(TODAY, company=company_2), "but pauses its own company")
        self.assertNotIn(
            promise_2, self.env["account.dunning.promise"].with_user(self.collector).search([])
        )


@tagged("post_install", "-at_install")
class TestCreditPaymentPlans(CreditCase):
    def _plan(self, invoices, **vals):
        plan = self.env["account.dunning.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "invoice_ids": [Command.set(invoices.ids)],
                "installment_count": 3,
                "first_date": TODAY + D(10),
                **vals,
            }
        )
        plan.action_generate_installments()
        return plan

    def test_on_time_then_breached(self):
        inv_1, inv_2 = self._invoices(
            [(self.customer, TODAY - D(40), 1000.0), (self.customer, TODAY - D(30), 500.0)]
        )
        plan = self.env["account.dunning.payment.plan"].create(
            {"partner_id": self.contact.id, "installment_count": 3, "first_date": TODAY + D(10)}
        )
        self.assertEqual(plan.partner_id, self.customer, "agreed with the company")
        self.assertEqual(self.contact.dunning_payment_plan_count, 1)
        action = self.contact.action_view_dunning_payment_plans()
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer.id)])
        plan.invoice_ids = [Command.set((inv_1 | inv_2).ids)]
        plan.action_generate_installments()
        self.assertEqual(plan.installment_ids.mapped("amount"), [500.0, 500.0, 500.0])
        self.assertEqual(
            plan.installment_ids.mapped("date"),
            [TODAY + D(10), date(2026, 4, 12), date(2026, 5, 12)],
        )
        with freeze_time(TODAY):
            plan.action_activate()
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.amount_total, 1500.0)
        self.assertIn("Payment plan activated", self._messages(self.customer))
        self.assertFalse(self._run(TODAY), "invoices in an active plan are not dunned")
        self._pay(inv_1, 500.0, TODAY + D(9))
        self.assertFalse(self._run(TODAY + D(20)), "first installment paid on time")
        self.assertEqual(plan.installment_ids[0].state, "paid")
        # second installment (12 April) not paid: breached after the grace days
        self.assertFalse(self._run(date(2026, 4, 15)), "within the grace days")
        comms = self._run(date(2026, 4, 18))
        self.assertEqual(plan.state, "breached")
        self.assertIn("breached: installment of", self._messages(self.customer))
        self.assertEqual(comms.line_ids.move_id, inv_1 | inv_2, "escalation resumes")

    def test_breach_jumps_to_a_level_and_the_plan_prints(self):
        inv = self._invoices([(self.customer, TODAY - D(40), 900.0)])
        plan = self._plan(inv, breach_action="level", breach_level_id=self.level_2.id)
        plan.installment_ids[0].amount = 100.0
        with self.assertRaisesRegex(UserError, "add up"):
            plan.action_activate()
        plan.action_generate_installments()
        plan.action_activate()
        self.env["account.dunning.payment.plan"]._check_plans(self.company, TODAY + D(16))
        self.assertEqual(plan.state, "breached")
        self.assertEqual(inv.dunning_level_override_id, self.level_2)
        comms = self._run(TODAY + D(16))
        self.assertEqual(comms.level_id, self.level_2)
        text = self._pdf_text("account_dunning_fr.report_dunning_payment_plan", plan)
        self.assertIn(plan.name, text)
        self.assertIn(inv.name, text)
        self.assertIn("300.00", text)
        self.assertIn("Date and signature", text)
        self.assertIn("read and approved", text)
        self.assertIn("Boulangerie Martin SARL", text)
        action = plan.with_context(discard_logo_check=True).action_print()
        self.assertEqual(action["report_name"], "account_dunning_fr.report_dunning_payment_plan")

    def test_breach_hands_the_debt_over(self):
        inv = self._invoices([(self.customer, TODAY - D(40), 600.0)])
        with self.assertRaisesRegex(ValidationError, "handed over"):
            self._plan(inv, breach_action="hand_over")
        plan = self._plan(inv, breach_action="hand_over", breach_litigation_state="lawyer")
        plan.action_activate()
        self._run(TODAY + D(16))
        self.assertEqual(plan.state, "breached")
        self.assertEqual(self.customer.dunning_litigation_state, "lawyer")
        self.assertEqual(self.customer.dunning_litigation_date, TODAY + D(16))
        self.assertFalse(self._run(TODAY + D(17)), "handed over: no more automatic dunning")

    def test_completed_plan(self):
        inv = self._invoices([(self.customer, TODAY - D(40), 300.0)])
        plan = self._plan(inv)
        plan.action_activate()
        self._pay(inv, 300.0, TODAY + D(3))
        self.env["account.dunning.payment.plan"]._check_plans(self.company, TODAY + D(4))
        self.assertEqual(plan.state, "completed")
        self.assertEqual(plan.installment_ids.mapped("state"), ["paid"] * 3)

    def test_plan_checks(self):
        inv, other = self._invoices(
            [(self.customer, TODAY - D(40), 300.0), (self.customer_2, TODAY - D(40), 300.0)]
        )
        mixed = self._plan(inv)
        mixed.invoice_ids = [Command.link(other.id)]
        mixed.action_generate_installments()
        with self.assertRaisesRegex(UserError, "of its customer only"):
            mixed.action_activate()
        plan = self._plan(inv)
        plan.action_activate()
        with self.assertRaisesRegex(UserError, "Only a draft plan"):
            plan.action_generate_installments()
        twice = self._plan(inv)
        with self.assertRaisesRegex(UserError, "already in the active payment plan"):
            twice.action_activate()
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            plan.installment_ids[0].amount = 1.0
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            plan.installment_ids[0].unlink()
        with self.assertRaisesRegex(UserError, "Only draft or cancelled"):
            plan.unlink()
        plan.action_cancel()
        self.assertEqual(plan.state, "cancelled")
        self.assertTrue(self._run(TODAY), "a cancelled plan no longer protects its invoices")
