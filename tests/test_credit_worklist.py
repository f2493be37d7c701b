"""The collector's worklist: what to do today, with the amount at stake."""

from datetime import timedelta as D

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import TODAY
from .credit_common import CreditCase


@tagged("post_install", "-at_install")
class TestCreditWorklist(CreditCase):
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
        # validated letters wait to be printed and posted
        draft.action_validate()
        printing = self.env["account.dunning.worklist"].search(
            [("user_id", "=", self.collector.id), ("kind", "=", "print")]
        )
        self.assertEqual(printing.partner_id, self.customer | self.customer_2)
        self.assertEqual(sorted(printing.mapped("amount")), [700.0, 5000.0])
        other = new_test_user(
            self.env, login="other.collector", groups="account_dunning_fr.group_dunning_user"
        )
        self.assertFalse(
            self.env["account.dunning.worklist"]
            .with_user(other)
            .search([("user_id", "=", other.id)])
        )
        menu = self.env.ref("account_dunning_fr.menu_account_dunning_worklist")
        self.assertEqual(menu.action.name, "My Collections Today")

    def test_invoicing_users_have_no_worklist(self):
        self.assertFalse(
            self.env["account.dunning.worklist"].with_user(self.billing).has_access("read")
        )

    def test_other_company_work_is_invisible(self):
        company_2 = self.setup_other_company(name="Filiale Lyon")["company"]
        self.env["account.dunning.promise"].with_company(company_2).create(
            {
                "partner_id": self.customer.id,
                "company_id": company_2.id,
                "date": TODAY,
                "amount": 70.0,
                "user_id": self.collector.id,
            }
        )
        self.assertFalse(
            self.env["account.dunning.worklist"]
            .with_user(self.collector)
            .search([("user_id", "=", self.collector.id)])
        )
