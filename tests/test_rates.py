"""Reference rates: every shipped value, lookups at semester edges, the missing-rate message,
the constraints, the monthly reminder to the managers and the access rights."""

import re
from datetime import date, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import format_date, mute_logger

MANAGER_GROUP = "account_dunning_fr.group_dunning_manager"


@tagged("post_install", "-at_install")
class TestReferenceRates(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rate = cls.env["account.dunning.rate"]

    def _reminders(self, users=None):
        domain = [("res_model", "=", "account.dunning.rate")]
        if users is not None:
            domain.append(("user_id", "in", users.ids))
        return self.env["mail.activity"].search(domain)

    def test_shipped_values(self):
        counts = {
            kind: self.Rate.search_count([("kind", "=", kind)])
            for kind in ("ecb", "legal_individual", "legal_other")
        }
        # ECB: 2012 H1 to 2026 H1; legal rates: 2015 H1 to 2026 H1. 2026 H2 is not published.
        self.assertEqual(counts, {"ecb": 29, "legal_individual": 23, "legal_other": 23})
        self.assertFalse(self.Rate.search([("date_start", ">=", date(2026, 7, 1))]))
        ecb_2023_h2 = self.env.ref("account_dunning_fr.rate_ecb_2023_h2")
        self.assertEqual((ecb_2023_h2.date_start, ecb_2023_h2.rate), (date(2023, 7, 1), 4.00))
        self.assertEqual(ecb_2023_h2.semester, "2023 H2")
        self.assertEqual(ecb_2023_h2.display_name, "ECB main refinancing rate 2023 H2: 4.00 %")
        legal_2024_h1 = self.env.ref("account_dunning_fr.rate_legal_other_2024_h1")
        self.assertEqual((legal_2024_h1.date_start, legal_2024_h1.rate), (date(2024, 1, 1), 5.07))
        self.assertEqual(self.Rate._get_rate("ecb", date(2012, 1, 1)), 1.00)
        self.assertEqual(self.Rate._get_rate("ecb", date(2016, 9, 1)), 0.00)
        self.assertEqual(self.Rate._get_rate("ecb", date(2020, 3, 1)), 0.00)
        self.assertEqual(self.Rate._get_rate("ecb", date(2026, 2, 1)), 2.15)
        self.assertEqual(self.Rate._get_rate("legal_individual", date(2015, 1, 1)), 4.06)
        self.assertEqual(self.Rate._get_rate("legal_other", date(2015, 1, 1)), 0.93)
        self.assertEqual(self.Rate._get_rate("legal_individual", date(2024, 3, 1)), 8.01)
        self.assertEqual(self.Rate._get_rate("legal_individual", date(2026, 6, 30)), 6.67)
        self.assertEqual(self.Rate._get_rate("legal_other", date(2026, 6, 30)), 2.62)

    def test_semester_edges(self):
        self.assertEqual(self.Rate._get_rate("ecb", date(2024, 6, 30)), 4.50)
        self.assertEqual(self.Rate._get_rate("ecb", date(2024, 7, 1)), 4.25)
        self.assertEqual(self.Rate._get_rate("ecb", date(2024, 12, 31)), 4.25)
        self.assertEqual(self.Rate._get_rate("ecb", date(2025, 1, 1)), 3.15)
        self.assertEqual(self.Rate._get_rate("legal_other", date(2023, 6, 30)), 2.06)
        self.assertEqual(self.Rate._get_rate("legal_other", date(2023, 7, 1)), 4.22)

    def test_rates_over_three_semesters(self):
        rates = self.Rate._get_rates("legal_other", date(2024, 11, 16), date(2025, 8, 14))
        self.assertEqual(
            rates,
            [
                (date(2024, 7, 1), date(2024, 12, 31), 4.92),
                (date(2025, 1, 1), date(2025, 6, 30), 3.71),
                (date(2025, 7, 1), date(2025, 12, 31), 2.76),
            ],
        )
        # Edges: a period of one day, a period ending on the first day of a semester.
        self.assertEqual(
            self.Rate._get_rates("ecb", date(2024, 6, 30), date(2024, 6, 30)),
            [(date(2024, 1, 1), date(2024, 6, 30), 4.50)],
        )
        self.assertEqual(
            [
                rate
                for _start, _end, rate in self.Rate._get_rates(
                    "ecb", date(2024, 6, 30), date(2025, 1, 1)
                )
            ],
            [4.50, 4.25, 3.15],
        )

    def test_rates_are_fetched_in_one_query(self):
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            rates = self.Rate._get_rates("ecb", date(2012, 1, 1), date(2025, 12, 31))
        self.assertEqual(len(rates), 28)

    def test_missing_rate_names_rate_and_semester(self):
        semester = format_date(self.env, date(2026, 7, 1))
        with self.assertRaises(UserError) as caught:
            self.Rate._get_rate("ecb", date(2026, 8, 1))
        message = str(caught.exception)
        self.assertIn("ECB main refinancing rate", message)
        self.assertIn(f"semester starting on {semester} is missing", message)
        self.assertIn("Reference Rates", message)
        # A period ending in the missing semester fails too: no rate is reused.
        with self.assertRaisesRegex(UserError, re.escape(semester)):
            self.Rate._get_rates("ecb", date(2026, 3, 1), date(2026, 7, 1))
        with self.assertRaisesRegex(
            UserError, re.escape("Legal interest rate — other cases for the semester starting on")
        ):
            self.Rate._get_rates("legal_other", date(2014, 12, 1), date(2015, 2, 1))

    def test_date_start_is_a_semester_start(self):
        for day in (date(2026, 7, 2), date(2026, 4, 1), date(2026, 12, 31)):
            with self.assertRaisesRegex(ValidationError, "1 January or 1 July"):
                self.Rate.create({"kind": "ecb", "date_start": day, "rate": 2.0})
        rate = self.env.ref("account_dunning_fr.rate_ecb_2026_h1")
        with self.assertRaisesRegex(ValidationError, "1 January or 1 July"):
            rate.date_start = date(2026, 2, 1)

    def test_one_rate_per_kind_and_semester(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError) as caught:
            with self.env.cr.savepoint():
                self.Rate.create({"kind": "ecb", "date_start": date(2026, 1, 1), "rate": 2.0})
                self.env.flush_all()
        self.assertIn("kind_semester_unique", str(caught.exception))
        new = self.Rate.create({"kind": "ecb", "date_start": date(2026, 7, 1), "rate": 2.15})
        self.assertEqual(new.semester, "2026 H2")
        self.assertEqual(new.display_name, "ECB main refinancing rate 2026 H2: 2.15 %")
        self.assertEqual(self.Rate._get_rate("ecb", date(2026, 8, 1)), 2.15)

    def test_monthly_reminder_of_missing_rates(self):
        managers = new_test_user(
            self.env, login="dunning.manager.1", groups=MANAGER_GROUP
        ) | new_test_user(self.env, login="dunning.manager.2", groups=MANAGER_GROUP)
        inactive = new_test_user(self.env, login="dunning.manager.gone", groups=MANAGER_GROUP)
        inactive.active = False
        with freeze_time("2026-08-03"):
            self.Rate._cron_check_missing_rates()
            reminders = self._reminders(managers)
            self.assertEqual(len(reminders), 6, "3 rates of 2026 H2 missing x 2 managers")
            for manager in managers:
                mine = reminders.filtered(lambda act, user=manager: act.user_id == user)
                self.assertEqual(len(mine), 3)
                self.assertEqual(
                    sorted(mine.mapped("summary")),
                    [
                        "Enter the ECB main refinancing rate of 2026 H2",
                        "Enter the Legal interest rate — creditor is a private individual of "
                        "2026 H2",
                        "Enter the Legal interest rate — other cases of 2026 H2",
                    ],
                )
                self.assertEqual(
                    set(mine.mapped("activity_type_id")),
                    {self.env.ref("mail.mail_activity_data_todo")},
                )
                # Attached to the latest rate of its kind (2026 H1).
                self.assertEqual(
                    {self.Rate.browse(act.res_id).date_start for act in mine}, {date(2026, 1, 1)}
                )
                self.assertEqual(
                    {self.Rate.browse(act.res_id).kind for act in mine},
                    {"ecb", "legal_individual", "legal_other"},
                )
            ecb_note = reminders.filtered(lambda act: "ECB" in act.summary)[:1].note
            self.assertIn(
                "The ECB main refinancing rate for the semester starting on "
                f"{format_date(self.env, date(2026, 7, 1))} is missing",
                str(ecb_note),
            )
            self.assertFalse(self._reminders(inactive))
            all_reminders = self._reminders()
            # A second call (next month) schedules nothing new while they are open.
            self.Rate._cron_check_missing_rates()
            self.assertEqual(self._reminders(), all_reminders, "no duplicate reminder")
            # Once the ECB rate is entered and its reminders are done, only the legal rates
            # remain missing: still nothing new (their reminders are open).
            self.Rate.create({"kind": "ecb", "date_start": date(2026, 7, 1), "rate": 2.15})
            all_reminders.filtered(lambda act: "ECB" in act.summary).action_feedback("Entered")
            self.Rate._cron_check_missing_rates()
            self.assertEqual(len(self._reminders(managers)), 4)
            self.assertFalse(self._reminders(managers).filtered(lambda act: "ECB" in act.summary))
        with freeze_time("2026-03-03"):
            before = self._reminders()
            self.Rate._cron_check_missing_rates()
            self.assertEqual(self._reminders(), before, "2026 H1 is complete: nothing to remind")

    def test_reminder_from_the_first_day_of_a_semester(self):
        """On 1 July (and 1 January) a manager gets a to-do for each rate of the new semester
        that is missing, the very day; none for a semester whose rates are all entered."""
        manager = new_test_user(self.env, login="dunning.manager.semester", groups=MANAGER_GROUP)
        with freeze_time("2026-06-30"):  # last day of 2026 H1: its rates are shipped
            self.Rate._cron_check_missing_rates()
            self.assertFalse(self._reminders(manager))
        with freeze_time("2026-07-01"):  # first day of 2026 H2: nothing published yet
            self.Rate._cron_check_missing_rates()
            self.assertEqual(
                sorted(self._reminders(manager).mapped("summary")),
                [
                    "Enter the ECB main refinancing rate of 2026 H2",
                    "Enter the Legal interest rate — creditor is a private individual of 2026 H2",
                    "Enter the Legal interest rate — other cases of 2026 H2",
                ],
            )
            self.assertEqual(
                set(self._reminders(manager).mapped("date_deadline")), {date(2026, 7, 1)}
            )
        # The three rates of 2027 H1 entered before the semester starts: no reminder on 1 January.
        self._reminders(manager).action_feedback("Entered")
        self.Rate.create(
            [
                {"kind": kind, "date_start": date(2027, 1, 1), "rate": rate}
                for kind, rate in (("ecb", 2.0), ("legal_individual", 6.0), ("legal_other", 2.5))
            ]
        )
        with freeze_time("2027-01-01"):
            self.Rate._cron_check_missing_rates()
            self.assertFalse(self._reminders(manager))
        # 1 January 2028 without any rate of 2028 H1: reminded that day.
        with freeze_time("2028-01-01"):
            self.Rate._cron_check_missing_rates()
            self.assertEqual(len(self._reminders(manager)), 3)
            self.assertIn("2028 H1", self._reminders(manager)[0].summary)

    def test_invoicing_user_reads_but_cannot_write(self):
        user = new_test_user(
            self.env, login="invoicing.only", groups="account.group_account_invoice"
        )
        self.assertFalse(user.has_group(MANAGER_GROUP))
        rate = self.env.ref("account_dunning_fr.rate_ecb_2024_h2").with_user(user)
        self.assertEqual(rate.rate, 4.25)
        self.assertEqual(self.Rate.with_user(user)._get_rate("ecb", date(2024, 8, 1)), 4.25)
        with self.assertRaises(AccessError):
            rate.rate = 9.0
        with self.assertRaises(AccessError):
            self.Rate.with_user(user).create(
                {"kind": "ecb", "date_start": date(2026, 7, 1), "rate": 2.0}
            )
        with self.assertRaises(AccessError):
            rate.unlink()
        auditor = new_test_user(self.env, login="auditor", groups="account.group_account_readonly")
        self.assertEqual(rate.with_user(auditor).rate, 4.25)
        with self.assertRaises(AccessError):
            rate.with_user(auditor).rate = 9.0
        manager = new_test_user(  # of every company: the rates are shared by all of them
            self.env,
            login="dunning.manager",
            groups=MANAGER_GROUP,
            company_ids=[Command.set(self.env["res.company"].search([]).ids)],
        )
        new = self.Rate.with_user(manager).create(
            {"kind": "ecb", "date_start": date(2026, 7, 1), "rate": 2.0}
        )
        new.rate = 2.15
        self.assertEqual(self.Rate._get_rate("ecb", date(2026, 7, 1)), 2.15)
        new.unlink()

    def test_reminder_runs_every_day(self):
        """From the first day of a semester without rates, not a month later."""
        cron = self.env.ref("account_dunning_fr.ir_cron_account_dunning_rate_check")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.assertTrue(cron.active)
        self.assertLessEqual(cron.nextcall, cron.create_date + timedelta(days=2))
        manager = new_test_user(self.env, login="dunning.manager.daily", groups=MANAGER_GROUP)
        with freeze_time("2026-07-01"):
            self.Rate._cron_check_missing_rates()
        self.assertEqual(len(self._reminders(manager)), 3, "on 1 July, the day 2026 H2 starts")
