"""The collector's worklist: what to do today, with the amount at stake."""

from datetime import timedelta as D

from freezegun import freeze_time

from odoo.exceptions import UserError
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

    def test_default_filter_is_mine_and_due(self):
        """The menu opens on my rows AND due today or late: two filters of separate groups."""
        action = self.env.ref("account_dunning_fr.action_account_dunning_worklist")
        self.assertIn("'search_default_mine': 1", action.context)
        self.assertIn("'search_default_today': 1", action.context)
        arch = self.env["account.dunning.worklist"].get_views([(False, "search")])["views"][
            "search"
        ]["arch"]
        mine, today = arch.index('name="mine"'), arch.index('name="today"')
        self.assertIn("<separator", arch[mine:today], "a separator between them: AND, not OR")
        self.customer.dunning_collector_id = self.collector
        self._invoices([(self.customer, TODAY - D(40), 800.0)])
        for user, deadline, summary in [
            (self.collector, TODAY, "Mine, due"),
            (self.collector, TODAY + D(3), "Mine, later"),
            (self.manager, TODAY, "Not mine, due"),
        ]:
            self.customer.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=deadline,
                summary=summary,
                user_id=user.id,
            )
        with freeze_time(TODAY):
            Worklist = self.env["account.dunning.worklist"].with_user(self.collector)
            rows = Worklist.search(
                [("user_id", "=", self.collector.id), ("date", "<=", TODAY)]  # both filters
            )
        self.assertEqual(rows.mapped("summary"), ["Mine, due"])

    def _work_rows(self):
        """A call and a to-do of the collector on the customer, and a promise of customer 2."""
        self.customer.dunning_collector_id = self.collector
        self._invoices(
            [(self.customer, TODAY - D(40), 5000.0), (self.customer_2, TODAY - D(40), 700.0)]
        )
        call = self.customer.activity_schedule(
            "mail.mail_activity_data_call",
            date_deadline=TODAY,
            summary="Call the accountant",
            user_id=self.collector.id,
        )
        todo = self.customer.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=TODAY - D(1),
            summary="Check the cheque",
            user_id=self.collector.id,
        )
        self.env["account.dunning.promise"].create(
            {
                "partner_id": self.customer_2.id,
                "date": TODAY,
                "amount": 700.0,
                "user_id": self.collector.id,
            }
        )
        rows = (
            self.env["account.dunning.worklist"]
            .with_user(self.collector)
            .search([("user_id", "=", self.collector.id)])
        )
        self.assertEqual(set(rows.mapped("kind")), {"call", "activity", "promise"})
        return rows, call, todo

    def test_mark_done_a_selection(self):
        rows, call, todo = self._work_rows()
        with freeze_time(TODAY):
            result = rows.action_mark_done()
        self.assertEqual(
            result["params"]["message"],
            "2 activity(ies) marked done, 1 other row(s) left as they are.",
        )
        self.assertFalse((call | todo).exists().filtered("active"))
        self.assertIn("Check the cheque", self._messages(self.customer))
        left = self.env["account.dunning.worklist"].search([("user_id", "=", self.collector.id)])
        self.assertEqual(left.mapped("kind"), ["promise"])
        with self.assertRaises(UserError):
            left.action_mark_done()

    def test_log_a_call_from_its_row(self):
        rows, call, _todo = self._work_rows()
        row = rows.filtered(lambda r: r.kind == "call")
        self.assertEqual(row.activity_id, call)
        with freeze_time(TODAY):
            action = row.action_log_call()
            wizard = (
                self.env["account.dunning.call"].with_user(self.collector).browse(action["res_id"])
            )
            self.assertEqual(wizard.activity_ids, call)
            wizard.write({"outcome": "promise", "next_date": TODAY + D(7)})
            wizard.action_confirm()
        self.assertFalse(call.exists().filtered("active"), "the planned call is done")
        self.assertIn("Promised to pay", self._messages(self.customer))
        next_call = self.customer.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(next_call.date_deadline, TODAY + D(7))

    def test_promise_and_follow_up_from_a_row(self):
        rows, _call, _todo = self._work_rows()
        row = rows.filtered(lambda r: r.kind == "call")
        with freeze_time(TODAY):
            action = row.action_record_promise()
            self.assertEqual(action["res_model"], "account.dunning.promise")
            promise = (
                self.env["account.dunning.promise"]
                .with_user(self.collector)
                .with_context(**action["context"])
                .create({"date": TODAY + D(10)})
            )
            self.assertEqual(promise.partner_id, self.customer)
            self.assertEqual(promise.amount, 5000.0, "the overdue balance")
            action = row.action_open_followup()
        followup = self.env["account.dunning.followup"].browse(action["res_id"])
        self.assertEqual(followup.partner_id, self.customer)
        self.assertEqual(followup.amount_overdue, 5000.0)

    def test_reschedule_a_selection(self):
        rows, call, todo = self._work_rows()
        with freeze_time(TODAY):
            action = rows.action_reschedule()
            wizard = self.env["account.dunning.worklist.reschedule"].browse(action["res_id"])
            self.assertEqual(wizard.activity_ids, call | todo)
            self.assertEqual(wizard.date, TODAY + D(1), "tomorrow is proposed")
            wizard.date = TODAY + D(4)
            result = wizard.action_confirm()
            self.assertEqual(
                result["params"]["message"],
                "2 activity(ies) moved to 03/06/2026, 1 other row(s) left as they are.",
            )
            self.assertEqual(set((call | todo).mapped("date_deadline")), {TODAY + D(4)})
            wizard.date = TODAY - D(1)
            with self.assertRaises(UserError):
                wizard.action_confirm()
