"""Credit management: solvency records, credit limits and holds, promises to pay, payment
plans, disputes and litigation, insolvency, the collector's worklist, access and companies."""

import subprocess
import tempfile
from datetime import date
from datetime import timedelta as D

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import TODAY, DunningCase


@tagged("post_install", "-at_install")
class TestCredit(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = new_test_user(
            cls.env,
            login="billing.clerk",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.collector = new_test_user(
            cls.env,
            login="collector.dunning",
            groups="account.group_account_invoice,account_dunning_fr.group_dunning_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="manager.dunning",
            groups="account.group_account_invoice,account_dunning_fr.group_dunning_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.insurer = cls.env["res.partner"].create({"name": "Allianz Trade", "is_company": True})

    def _draft_invoice(self, partner, amount, user=None):
        env = self.env(user=user) if user else self.env
        return (
            env["account.move"]
            .with_company(self.company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": TODAY,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
            )
        )

    def _messages(self, record):
        return " ".join(record.message_ids.mapped("body"))

    # -- 1. solvency records ----------------------------------------------------------------

    def test_solvency_records_and_insured_limit(self):
        Solvency = self.env["account.dunning.solvency"]
        with freeze_time(TODAY):
            kbis = Solvency.create(
                {
                    "partner_id": self.customer.id,
                    "date": TODAY - D(400),
                    "source": "kbis",
                    "valid_until": TODAY - D(35),
                }
            )
            Solvency.create(
                {
                    "partner_id": self.customer.id,
                    "date": TODAY - D(200),
                    "source": "insurer",
                    "insurer_id": self.insurer.id,
                    "limit_requested": 50000,
                    "limit_granted": 30000,
                    "insurer_status": "granted",
                    "valid_until": TODAY + D(165),
                }
            )
            afdcc = Solvency.create(
                {
                    "partner_id": self.customer.id,
                    "date": TODAY - D(10),
                    "source": "afdcc",
                    "score": "7.2",
                    "valid_until": TODAY + D(20),
                }
            )
            self.assertEqual(self.customer.dunning_insured_limit, 30000)
            self.assertEqual(
                Solvency.search([("to_renew", "=", True)]),
                kbis | afdcc,
                "expired or within 30 days",
            )
            reduced = Solvency.create(
                {
                    "partner_id": self.customer.id,
                    "date": TODAY,
                    "source": "insurer",
                    "insurer_id": self.insurer.id,
                    "limit_granted": 10000,
                    "insurer_status": "reduced",
                }
            )
            self.customer.invalidate_recordset(["dunning_insured_limit"])
            self.assertEqual(self.customer.dunning_insured_limit, 10000, "the latest decision")
            reduced.insurer_status = "cancelled"
            self.customer.invalidate_recordset(["dunning_insured_limit"])
            self.assertEqual(self.customer.dunning_insured_limit, 0, "cover cancelled")
        with self.assertRaises(ValidationError):
            Solvency.create({"partner_id": self.customer.id, "source": "insurer"})
        with self.assertRaises(ValidationError):
            Solvency.create(
                {
                    "partner_id": self.customer.id,
                    "source": "bdf",
                    "date": TODAY,
                    "valid_until": TODAY - D(1),
                }
            )

    def test_solvency_is_confidential(self):
        record = self.env["account.dunning.solvency"].create(
            {"partner_id": self.customer.id, "source": "bdf", "score": "E+ 4"}
        )
        with self.assertRaises(AccessError):
            record.with_user(self.billing).read(["score"])
        with self.assertRaises(AccessError):
            self.env["account.dunning.solvency"].with_user(self.billing).search([])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.billing).read(["dunning_insured_limit"])
        self.assertEqual(record.with_user(self.collector).score, "E+ 4")
        accountant = new_test_user(
            self.env,
            login="chief.accountant",
            groups="account.group_account_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.assertEqual(record.with_user(accountant).score, "E+ 4")

    # -- 2. credit limit, exposure and credit hold ------------------------------------------

    def test_exposure_counts_open_receivables_and_draft_invoices(self):
        self.company.account_use_credit_limit = True
        self.customer.with_company(self.company).write(
            {"use_partner_credit_limit": True, "credit_limit": 1000.0}
        )
        inv = self._invoices([(self.customer, TODAY + D(20), 800.0)])
        self._draft_invoice(self.contact, 150.0)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.dunning_exposure, 950.0)
        self.assertEqual(self.customer.dunning_credit_limit, 1000.0)
        self.assertFalse(self.customer.dunning_over_limit)
        self._pay(inv, 300.0, TODAY)
        self._draft_invoice(self.customer, 400.0)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.dunning_exposure, 500.0 + 150.0 + 400.0)
        self.assertTrue(self.customer.dunning_over_limit)
        self.env["account.dunning.run"]._check_commitments(self.company, TODAY)
        self.assertTrue(self.customer.dunning_credit_hold)
        self.assertEqual(self.customer.dunning_credit_hold_reason, "limit")
        self.assertIn("exceeds the credit limit", self._messages(self.customer))

    def test_posting_for_a_customer_on_hold_needs_a_manager(self):
        self.customer.dunning_credit_hold = True
        self.assertEqual(self.customer.dunning_credit_hold_reason, "manual")
        draft = self._draft_invoice(self.customer, 500.0)
        self.assertTrue(draft.dunning_partner_on_hold, "the invoice form shows the banner")
        with self.assertRaisesRegex(UserError, "credit hold"):
            draft.with_user(self.billing).action_post()
        self.assertEqual(draft.state, "draft")
        draft.with_user(self.manager).action_post()
        self.assertEqual(draft.state, "posted")
        self.assertIn("Credit hold overridden by", self._messages(draft))
        self.assertIn("Credit hold overridden by", self._messages(self.customer))
        other = self._draft_invoice(self.customer_2, 100.0)
        other.with_user(self.billing).action_post()
        self.assertEqual(other.state, "posted", "customers not on hold are not affected")

    def test_posting_over_the_limit_is_refused_to_clerks(self):
        self.company.account_use_credit_limit = True
        self.customer.with_company(self.company).write(
            {"use_partner_credit_limit": True, "credit_limit": 1000.0}
        )
        self._invoices([(self.customer, TODAY + D(20), 900.0)])
        draft = self._draft_invoice(self.customer, 200.0)
        with self.assertRaisesRegex(UserError, "credit hold"):
            draft.with_user(self.billing).action_post()
        draft.with_user(self.manager).action_post()
        self.assertTrue(self.customer.dunning_credit_hold)
        self.assertEqual(self.customer.dunning_credit_hold_reason, "limit")

    def test_level_hold_reason(self):
        self._invoices([(self.customer, TODAY - D(40), 500.0)])
        for day in (0, 5, 15):
            comms = self._run(TODAY + D(day))
        comms.action_validate()
        comms.action_mark_posted()
        self.assertTrue(self.customer.dunning_credit_hold)
        self.assertEqual(self.customer.dunning_credit_hold_reason, "level")

    # -- 3. worklist ------------------------------------------------------------------------

    def test_my_collections_today(self):
        self.customer.dunning_collector_id = self.collector
        self.customer_2.dunning_collector_id = self.collector
        self._invoices(
            [(self.customer, TODAY - D(40), 5000.0), (self.customer_2, TODAY - D(40), 700.0)]
        )
        self._run(TODAY)
        self._run(TODAY + D(5))
        draft = self._run(TODAY + D(15))  # Reminder 2: letters waiting for validation
        self.assertEqual(set(draft.mapped("state")), {"draft"})
        self.customer.activity_schedule(
            "mail.mail_activity_data_call",
            date_deadline=TODAY + D(15),
            summary="Call the accountant",
            user_id=self.collector.id,
        )
        self.env["account.dunning.promise"].create(
            {
                "partner_id": self.customer_2.id,
                "date": TODAY + D(14),
                "amount": 700.0,
                "user_id": self.collector.id,
            }
        )
        self.customer_2.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=TODAY + D(40),
            summary="Later",
            user_id=self.collector.id,
        )
        with freeze_time(TODAY + D(15)):
            Worklist = self.env["account.dunning.worklist"].with_user(self.collector)
            rows = Worklist.search(
                [("user_id", "=", self.collector.id), ("date", "<=", TODAY + D(15))],
                order="amount desc",
            )
        kinds = {(row.kind, row.partner_id) for row in rows}
        self.assertIn(("call", self.customer), kinds)
        self.assertIn(("validate", self.customer), kinds)
        self.assertIn(("validate", self.customer_2), kinds)
        self.assertIn(("promise", self.customer_2), kinds)
        self.assertNotIn("Later", rows.mapped("summary"), "not due yet")
        self.assertEqual(rows[0].partner_id, self.customer, "sorted by amount at stake")
        call = rows.filtered(lambda r: r.kind == "call")
        self.assertEqual(call.amount, 5000.0, "the customer's overdue balance")
        action = call.action_open()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", self.customer.id))
        other = new_test_user(
            self.env, login="other.collector", groups="account_dunning_fr.group_dunning_user"
        )
        self.assertFalse(
            self.env["account.dunning.worklist"]
            .with_user(other)
            .search([("user_id", "=", other.id)])
        )

    # -- 4. promises to pay -----------------------------------------------------------------

    def test_promise_pauses_escalation_and_broken_promise_resumes_it(self):
        inv = self._invoices([(self.customer, TODAY - D(40), 900.0)])
        self.assertEqual(self._run(TODAY).level_id, self.level_courtesy)
        with freeze_time(TODAY + D(2)):
            promise = self.env["account.dunning.promise"].create(
                {
                    "partner_id": self.contact.id,
                    "date": TODAY + D(10),
                    "amount": 900.0,
                    "grace_days": 3,
                    "contact_id": self.contact.id,
                }
            )
        self.assertEqual(promise.partner_id, self.customer, "recorded on the company")
        self.assertEqual(promise.receivable_at_promise, 900.0)
        self.assertFalse(self._run(TODAY + D(5)), "paused")
        self.assertFalse(self._run(TODAY + D(13)), "paused until the date plus grace days")
        comms = self._run(TODAY + D(14))
        self.assertEqual(promise.state, "broken")
        self.assertIn("broken", self._messages(self.customer))
        self.assertEqual(comms.level_id, self.level_1, "escalation resumes at the next level")
        self.assertEqual(inv.dunning_level_id, self.level_1)

    def test_kept_promise(self):
        inv = self._invoices([(self.customer_2, TODAY - D(20), 600.0)])
        promise = self.env["account.dunning.promise"].create(
            {"partner_id": self.customer_2.id, "date": TODAY + D(7), "amount": 600.0}
        )
        self._pay(inv, 600.0, TODAY + D(5))
        self.env["account.dunning.promise"]._check_promises(TODAY + D(6))
        self.assertEqual(promise.state, "kept")
        self.assertIn("kept", self._messages(self.customer_2))
        with self.assertRaises(ValidationError):
            self.env["account.dunning.promise"].create(
                {"partner_id": self.customer_2.id, "date": TODAY, "amount": 0.0}
            )

    # -- 5. payment plans -------------------------------------------------------------------

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

    def test_payment_plan_on_time_then_breached(self):
        inv_1, inv_2 = self._invoices(
            [(self.customer, TODAY - D(40), 1000.0), (self.customer, TODAY - D(30), 500.0)]
        )
        plan = self._plan(inv_1 | inv_2)
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
        self.assertIn("breached", self._messages(self.customer))
        self.assertEqual(comms.line_ids.move_id, inv_1 | inv_2, "escalation resumes")

    def test_payment_plan_breach_jumps_to_a_level_and_prints(self):
        inv = self._invoices([(self.customer, TODAY - D(40), 900.0)])
        plan = self._plan(inv, breach_action="level", breach_level_id=self.level_2.id)
        plan.installment_ids[0].amount = 100.0
        with self.assertRaisesRegex(UserError, "add up"):
            plan.action_activate()
        plan.action_generate_installments()
        plan.action_activate()
        self.env["account.dunning.payment.plan"]._check_plans(TODAY + D(16))
        self.assertEqual(plan.state, "breached")
        self.assertEqual(inv.dunning_level_override_id, self.level_2)
        comms = self._run(TODAY + D(16))
        self.assertEqual(comms.level_id, self.level_2)
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account_dunning_fr.report_dunning_payment_plan", plan.ids)
        )
        with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
            tmp.write(pdf)
            tmp.flush()
            text = " ".join(
                subprocess.run(
                    ["pdftotext", tmp.name, "-"], capture_output=True, text=True, check=True
                ).stdout.split()
            )
        self.assertIn(plan.name, text)
        self.assertIn(inv.name, text)
        self.assertIn("300.00", text)
        self.assertIn("signature", text.lower())
        self.assertIn("Boulangerie Martin SARL", text)

    def test_completed_plan(self):
        inv = self._invoices([(self.customer, TODAY - D(40), 300.0)])
        plan = self._plan(inv)
        plan.action_activate()
        self._pay(inv, 300.0, TODAY + D(3))
        self.env["account.dunning.payment.plan"]._check_plans(TODAY + D(4))
        self.assertEqual(plan.state, "completed")

    # -- 6. disputes, litigation and insolvency ---------------------------------------------

    def test_dispute_reasons_and_litigation_hand_over(self):
        reasons = self.env["account.dunning.dispute.reason"].search([])
        self.assertGreaterEqual(len(reasons), 5)
        inv, other = self._invoices(
            [(self.customer, TODAY - D(15), 100.0), (self.customer_2, TODAY - D(15), 100.0)]
        )
        inv.write({"dunning_disputed": True, "dunning_dispute_reason_id": reasons[0].id})
        self.customer_2.write(
            {
                "dunning_litigation_state": "lawyer",
                "dunning_litigation_date": TODAY,
                "dunning_litigation_ref": "Me Lenoir 2026-114",
            }
        )
        self.assertFalse(self._run(TODAY), "disputed invoice and customer handed to a lawyer")
        self.customer_2.dunning_litigation_state = "amicable"
        self.assertEqual(self._run(TODAY + D(1)).line_ids.move_id, other)

    def test_formal_notice_sets_the_litigation_state(self):
        inv = self._invoices([(self.customer, TODAY - D(50), 100.0)])
        notice_level = self.level_call.copy(
            {
                "name": "MED",
                "channel": "formal_notice",
                "delay_days": 45,
                "sequence": 10,
                "auto_send": False,
            }
        )
        inv.dunning_level_override_id = notice_level
        comm = self._run(TODAY)
        with freeze_time(TODAY):
            comm.action_validate()
            comm.action_mark_posted()
        self.assertEqual(self.customer.dunning_litigation_state, "formal_notice")
        self.assertEqual(self.customer.dunning_litigation_date, TODAY)

    def test_insolvency_stops_dunning_and_reminds_to_declare_the_claim(self):
        self.customer.dunning_collector_id = self.collector
        self._invoices([(self.customer, TODAY - D(15), 2400.0)])
        with freeze_time(TODAY):
            self.customer.write(
                {
                    "dunning_insolvency_state": "receivership",
                    "dunning_insolvency_date": date(2026, 2, 20),
                }
            )
            self.customer.write({"comment": "BODACC"})
            self.customer.write({"dunning_insolvency_state": "receivership"})
        activity_type = self.env.ref("account_dunning_fr.mail_activity_type_declare_claim")
        activities = self.customer.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertEqual(len(activities), 1, "one reminder per proceedings")
        self.assertEqual(activities.date_deadline, date(2026, 4, 20), "2 months after publication")
        self.assertEqual(activities.user_id, self.collector)
        self.assertIn("2,400.00", activities.summary)
        self.assertIn("Receivership", str(activities.note))
        self.assertFalse(self._run(TODAY), "dunning stops at once")

    # -- 7. two companies -------------------------------------------------------------------

    def test_two_companies_are_kept_apart(self):
        company_2 = self.setup_other_company(name="Filiale Lyon")["company"]
        self._make_policy(company_2)
        self._invoices([(self.customer, TODAY - D(15), 100.0)])
        self._invoices(
            [(self.customer.with_company(company_2), TODAY - D(15), 70.0)], company=company_2
        )
        self.env["account.dunning.promise"].with_company(company_2).create(
            {
                "partner_id": self.customer.id,
                "company_id": company_2.id,
                "date": TODAY + D(10),
                "amount": 70.0,
            }
        )
        solvency_2 = (
            self.env["account.dunning.solvency"]
            .with_company(company_2)
            .create({"partner_id": self.customer.id, "company_id": company_2.id, "source": "kbis"})
        )
        self.assertTrue(self._run(TODAY), "a promise made to the other company does not pause")
        self.assertFalse(self._run(TODAY, company=company_2), "but pauses its own company")
        self.assertNotIn(
            solvency_2, self.env["account.dunning.solvency"].with_user(self.collector).search([])
        )
        self.assertFalse(self.env["account.dunning.promise"].with_user(self.collector).search([]))
