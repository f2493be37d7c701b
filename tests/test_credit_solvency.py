"""Solvency records: sources, credit insurer cover, records to renew, confidentiality."""

from datetime import timedelta as D

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import TODAY
from .credit_common import CreditCase


@tagged("post_install", "-at_install")
class TestCreditSolvency(CreditCase):
    def _insurer_record(self, days_ago, granted, status, **vals):
        return self.env["account.dunning.solvency"].create(
            {
                "partner_id": self.customer.id,
                "date": TODAY - D(days_ago),
                "source": "insurer",
                "insurer_id": self.insurer.id,
                "limit_granted": granted,
                "insurer_status": status,
                **vals,
            }
        )

    def test_records_to_renew_and_insured_limit(self):
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
            self._insurer_record(200, 30000, "granted", limit_requested=50000)
            afdcc = Solvency.create(
                {
                    "partner_id": self.customer.id,
                    "date": TODAY - D(10),
                    "source": "afdcc",
                    "score": "7.2",
                    "valid_until": TODAY + D(20),
                }
            )
            Solvency.create(
                {
                    "partner_id": self.customer.id,
                    "source": "bdf",
                    "score": "E+ 4",
                    "valid_until": TODAY + D(200),
                }
            )
            self.assertEqual(self.customer.dunning_insured_limit, 30000)
            self.assertEqual(
                Solvency.search([("to_renew", "=", True)]),
                kbis | afdcc,
                "expired, or expiring within 30 days",
            )
            self.assertNotIn(kbis, Solvency.search([("to_renew", "=", False)]))
            reduced = self._insurer_record(0, 10000, "reduced")
            self.customer.invalidate_recordset(["dunning_insured_limit"])
            self.assertEqual(self.customer.dunning_insured_limit, 10000, "the latest decision")
            reduced.insurer_status = "cancelled"
            self.customer.invalidate_recordset(["dunning_insured_limit"])
            self.assertEqual(self.customer.dunning_insured_limit, 0, "cover cancelled")
        action = self.env.ref("account_dunning_fr.action_account_dunning_solvency")
        self.assertIn("search_default_to_renew", action.context)

    def test_expired_insurer_decision_gives_no_cover(self):
        with freeze_time(TODAY):
            self._insurer_record(400, 20000, "granted", valid_until=TODAY - D(1))
            self.assertEqual(self.customer.dunning_insured_limit, 0)

    def test_bad_input_is_refused(self):
        Solvency = self.env["account.dunning.solvency"]
        with self.assertRaisesRegex(ValidationError, "insurer and its decision"):
            Solvency.create({"partner_id": self.customer.id, "source": "insurer"})
        with self.assertRaisesRegex(ValidationError, "expire before"):
            Solvency.create(
                {
                    "partner_id": self.customer.id,
                    "source": "bdf",
                    "date": TODAY,
                    "valid_until": TODAY - D(1),
                }
            )
        with self.assertRaisesRegex(ValidationError, "negative"):
            self._insurer_record(0, -5, "granted")

    def test_confidential_to_invoicing_users(self):
        record = self.env["account.dunning.solvency"].create(
            {"partner_id": self.customer.id, "source": "bdf", "score": "E+ 4"}
        )
        with self.assertRaises(AccessError):
            record.with_user(self.billing).read(["score"])
        with self.assertRaises(AccessError):
            self.env["account.dunning.solvency"].with_user(self.billing).search([])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.billing).read(["dunning_solvency_ids"])
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
        self.assertEqual(self.customer.with_user(accountant).dunning_solvency_ids, record)

    def test_other_company_records_are_invisible(self):
        company_2 = self.setup_other_company(name="Filiale Lyon")["company"]
        mine = self.env["account.dunning.solvency"].create(
            {"partner_id": self.customer.id, "source": "kbis"}
        )
        theirs = (
            self.env["account.dunning.solvency"]
            .with_company(company_2)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_2.id,
                    "source": "insurer",
                    "insurer_id": self.insurer.id,
                    "limit_granted": 9000,
                    "insurer_status": "granted",
                }
            )
        )
        visible = self.env["account.dunning.solvency"].with_user(self.collector).search([])
        self.assertIn(mine, visible)
        self.assertNotIn(theirs, visible)
        self.assertEqual(self.customer.with_user(self.collector).dunning_insured_limit, 0)
        with self.assertRaises(AccessError):
            theirs.with_user(self.collector).read(["score"])
