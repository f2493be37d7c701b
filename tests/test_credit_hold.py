"""Exposure, credit limit and credit hold: set by hand, by a level or by the limit; posting
refused to non-managers, overrides logged; holds decided per company."""

from datetime import timedelta as D

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import TODAY
from .credit_common import CreditCase


@tagged("post_install", "-at_install")
class TestCreditHold(CreditCase):
    def _limit(self, amount):
        self.company.account_use_credit_limit = True
        self.customer.with_company(self.company).write(
            {"use_partner_credit_limit": True, "credit_limit": amount}
        )

    def test_exposure_counts_open_receivables_and_draft_invoices(self):
        self._limit(1000.0)
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

    def test_company_default_limit_and_no_limit_when_disabled(self):
        self._invoices([(self.customer_2, TODAY + D(20), 800.0)])
        self.assertEqual(self.customer_2.dunning_credit_limit, 0.0, "credit limits disabled")
        self.assertFalse(self.customer_2.dunning_over_limit)
        self.company.account_use_credit_limit = True
        self.env["ir.default"].set("res.partner", "credit_limit", 500.0, company_id=self.company.id)
        self.customer_2.invalidate_recordset()
        self.assertEqual(self.customer_2.dunning_credit_limit, 500.0)
        self.assertTrue(self.customer_2.dunning_over_limit)
        self.env["account.dunning.run"]._cron_check_commitments()
        self.assertTrue(self.customer_2.dunning_credit_hold)
        self.env["account.dunning.run"]._cron_check_commitments()
        self.assertEqual(
            self._messages(self.customer_2).count("exceeds the credit limit"), 1, "idempotent"
        )

    def test_posting_for_a_customer_on_hold_needs_a_manager(self):
        self.customer.dunning_credit_hold = True
        self.assertEqual(self.customer.dunning_credit_hold_reason, "manual")
        draft = self._draft_invoice(self.customer, 500.0)
        self.assertTrue(draft.dunning_partner_on_hold, "the invoice form shows the banner")
        with self.assertRaisesRegex(UserError, "Boulangerie Martin SARL is on credit hold"):
            draft.with_user(self.billing).action_post()
        self.assertEqual(draft.state, "draft")
        draft.with_user(self.manager).action_post()
        self.assertEqual(draft.state, "posted")
        self.assertIn("Credit hold overridden by", self._messages(draft))
        self.assertIn("Credit hold overridden by", self._messages(self.customer))
        accountant = new_test_user(
            self.env,
            login="chief.accountant",
            groups="account.group_account_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self._draft_invoice(self.customer, 50.0).with_user(accountant).action_post()
        other = self._draft_invoice(self.customer_2, 100.0)
        other.with_user(self.billing).action_post()
        self.assertEqual(other.state, "posted", "customers not on hold are not affected")
        refund = self._draft_invoice(self.customer, 10.0)
        refund.move_type = "out_refund"
        refund.with_user(self.billing).action_post()
        self.assertEqual(refund.state, "posted", "credit notes are never blocked")
        self.customer.dunning_credit_hold = False
        self.assertFalse(self.customer.dunning_credit_hold_reason)
        self._draft_invoice(self.customer, 20.0).with_user(self.billing).action_post()

    def test_posting_over_the_limit_is_refused_to_clerks(self):
        self._limit(1000.0)
        self._invoices([(self.customer, TODAY + D(20), 900.0)])
        draft = self._draft_invoice(self.customer, 200.0)
        self.assertTrue(draft.dunning_partner_on_hold, "the banner warns before posting")
        with self.assertRaisesRegex(
            UserError, r"exposure \$\xa01,100.00, credit limit \$\xa01,000.00\) is on credit hold"
        ):
            draft.with_user(self.billing).action_post()
        draft.with_user(self.manager).action_post()
        self.assertIn(f"invoice {draft.name} of", self._messages(draft))
        self.assertTrue(self.customer.dunning_credit_hold)
        self.assertEqual(self.customer.dunning_credit_hold_reason, "limit")

    def test_refused_posting_over_the_limit_leaves_the_hold_to_the_daily_check(self):
        """The refusal is rolled back with the posting, so it decides nothing by itself: the
        customer is put on hold, for good, by the daily scheduled action."""
        self._limit(1000.0)
        self._invoices([(self.customer, TODAY + D(20), 900.0)])
        draft = self._draft_invoice(self.customer, 200.0)
        with self.assertRaisesRegex(UserError, "credit limit"):
            draft.with_user(self.billing).action_post()
        self.assertEqual(draft.state, "draft")
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.dunning_credit_hold, "the refusal decides nothing")
        with freeze_time(TODAY):
            self.env.ref(
                "account_dunning_fr.ir_cron_account_dunning_commitments"
            ).sudo().method_direct_trigger()
        self.customer.invalidate_recordset()
        self.assertTrue(self.customer.dunning_credit_hold)
        self.assertEqual(self.customer.dunning_credit_hold_reason, "limit")
        self.assertIn("exceeds the credit limit", self._messages(self.customer))
        with self.assertRaisesRegex(UserError, "is on credit hold"):
            draft.with_user(self.billing).action_post()

    def test_level_with_the_flag_puts_on_hold(self):
        self._invoices([(self.customer, TODAY - D(40), 500.0)])
        for day in (0, 5, 15):
            comms = self._run(TODAY + D(day))
        self.assertTrue(comms.level_id.credit_hold)
        comms.action_validate()
        self._mark_posted(comms)
        self.assertTrue(self.customer.dunning_credit_hold)
        self.assertEqual(self.customer.dunning_credit_hold_reason, "level")

    def test_hold_of_several_customers_at_once_keeps_existing_holds(self):
        """The system puts customers on hold in one batch, even when a clerk triggers it: one
        note each; a customer already on hold keeps its reason and gets no second note."""
        self.customer_2.dunning_credit_hold = True  # by hand
        Partner = self.env["res.partner"].with_user(self.billing).with_company(self.company)
        held = Partner.browse((self.customer | self.customer_2).ids)._dunning_put_on_hold("limit")
        self.assertEqual(held.ids, self.customer.ids)
        self.assertTrue(self.customer.dunning_credit_hold)
        self.assertEqual(self.customer.dunning_credit_hold_reason, "limit")
        self.assertEqual(self.customer_2.dunning_credit_hold_reason, "manual")
        self.assertEqual(self._messages(self.customer).count("exceeds the credit limit"), 1)
        self.assertNotIn("exceeds the credit limit", self._messages(self.customer_2))
        self.assertFalse(Partner.browse(self.customer.ids)._dunning_put_on_hold("level"))
        self.assertEqual(self.customer.dunning_credit_hold_reason, "limit", "kept")

    def test_hold_is_decided_per_company(self):
        company_2 = self.setup_other_company(name="Filiale Lyon")["company"]
        self.customer.dunning_credit_hold = True
        self.assertFalse(self.customer.with_company(company_2).dunning_credit_hold)
        Partner = self.env["res.partner"]
        self.assertIn(self.customer, Partner.search([("dunning_credit_hold", "=", True)]))
        self.assertNotIn(
            self.customer,
            Partner.with_company(company_2).search([("dunning_credit_hold", "=", True)]),
        )
        clerk_2 = new_test_user(
            self.env,
            login="billing.lyon",
            groups="account.group_account_invoice",
            company_id=company_2.id,
            company_ids=[Command.set(company_2.ids)],
        )
        invoice_2 = self._draft_invoice(self.customer, 300.0, company=company_2)
        self.assertFalse(invoice_2.dunning_partner_on_hold)
        invoice_2.with_user(clerk_2).with_company(company_2).action_post()
        self.assertEqual(invoice_2.state, "posted", "the other company's hold does not apply")
        invoice_1 = self._draft_invoice(self.customer, 300.0)
        self.assertTrue(invoice_1.dunning_partner_on_hold)
        with self.assertRaisesRegex(UserError, "credit hold"):
            invoice_1.with_user(self.billing).action_post()

    def test_level_hold_is_decided_in_the_company_of_the_communication(self):
        company_2 = self.setup_other_company(name="Filiale Lyon", email="compta@filiale.test")[
            "company"
        ]
        policy_2 = self._make_policy(company_2)
        policy_2.level_ids.filtered(lambda level: level.name == "Courtesy").credit_hold = True
        self._invoices([(self.customer, TODAY - D(15), 70.0)], company=company_2)
        with freeze_time(TODAY):
            self.env["account.dunning.run"].sudo()._run_daily()  # as the cron
        comm = self.env["account.dunning.communication"].search(
            [("company_id", "=", company_2.id), ("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(comm.state, "queued")
        self.assertFalse(self.customer.with_company(company_2).dunning_credit_hold)
        self._process_mail_queue(TODAY)  # the mail queue's cron, in the main company
        self.assertEqual(comm.state, "sent")
        self.assertTrue(self.customer.with_company(company_2).dunning_credit_hold)
        self.assertFalse(self.customer.with_company(self.company).dunning_credit_hold)
