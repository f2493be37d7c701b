"""The scheduled action and the buttons under faults and load: one company's failure does not
stop the others, large selections are sent in the background in committed batches, double
and concurrent clicks give a message, and a run behaves as a person expects (Run Manually
sends, the log is appended, a cancelled draft is not made again the same day)."""

from contextlib import contextmanager
from datetime import timedelta

from freezegun import freeze_time

from odoo.addons.account_dunning_fr.models.account_dunning_communication import (
    CLICK_LOCK_NAMESPACE,
)
from odoo.addons.account_dunning_fr.models.account_dunning_run import LOCK_NAMESPACE
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import TODAY, DunningCase

D = timedelta
DAILY_CRON = "account_dunning_fr.ir_cron_account_dunning_run"
SEND_CRON = "account_dunning_fr.ir_cron_account_dunning_send"


@tagged("post_install", "-at_install")
class TestRunFaults(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"dunning_background_threshold": 50, "dunning_send_batch_size": 20})

    def _run_cron(self, xmlid, when=TODAY, calls=50):
        """The scheduled action as the cron runner calls it (``ir.cron._process_job``): its
        server action again and again, each call under a new progress record, until it
        reports no work left. Returns the (done, remaining) reported by each call."""
        cron = self.env.ref(xmlid).sudo()
        cron = cron.with_user(cron.user_id).with_context(lastcall=cron.lastcall, cron_id=cron.id)
        reports = []
        with freeze_time(when):
            for _call in range(calls):
                cron, progress = cron._add_progress()
                cron._callback(cron.cron_name, cron.ir_actions_server_id.id)
                reports.append((progress.done, progress.remaining))
                if not (progress.done and progress.remaining):
                    break
            else:
                raise AssertionError(f"the scheduled action never stopped: {reports[-5:]}")
        self.env.invalidate_all()
        return reports

    @contextmanager
    def _other_transaction(self):
        """A second connection to the database, as another user's request or the cron
        runner: what it locks is locked for the test's transaction, and it commits nothing."""
        cr = self.registry.cursor()
        try:
            yield cr
        finally:
            cr.rollback()
            cr.close()

    def _comms(self, company=None):
        return self.env["account.dunning.communication"].search(
            [("company_id", "=", (company or self.company).id)]
        )

    # ---- 8. one company's failure does not stop the others ----------------------------------

    def test_failing_company_does_not_stop_the_others(self):
        company_2 = self.setup_other_company(name="Filiale Lyon")["company"]
        company_2.email = "compta@lyon.test"
        self._make_policy(company_2)
        self._invoices([(self.customer, TODAY - D(15), 100.0)])
        inv_2 = self._invoices(
            [(self.customer_2.with_company(company_2), TODAY - D(15), 70.0)], company=company_2
        )
        # a manager gave the first company its own numbering, with a prefix that cannot be
        # filled in: its computation raises a KeyError
        self.env["ir.sequence"].create(
            {
                "name": "Dunning (broken)",
                "code": "account.dunning.communication",
                "company_id": self.company.id,
                "prefix": "REL/%(customer)s/",
            }
        )
        reports = self._run_cron(DAILY_CRON)

        run = self.env["account.dunning.run"].search(
            [("company_id", "=", self.company.id), ("date", "=", TODAY)]
        )
        self.assertEqual(run.state, "failed")
        self.assertEqual(run.failure_reason, "KeyError: 'customer'")
        self.assertIn("computation failed, nothing was created", run.log)
        self.assertFalse(self._comms(), "nothing of the failed computation is kept")
        comms_2 = self._comms(company_2)
        self.assertEqual(comms_2.line_ids.move_id, inv_2)
        self.assertTrue(comms_2.mail_message_id, "the other company's email is queued")
        remaining = [left for _done, left in reports]
        self.assertEqual(remaining[-1], 0)
        self.assertEqual(remaining, sorted(remaining, reverse=True), "the remaining work falls")
        # the failed company is done for today: calling the cron again does nothing more
        again = self._run_cron(DAILY_CRON)
        self.assertEqual(again, [(0, 0)])
        self.assertEqual(run.state, "failed")

        # corrected, a person computes it again: the run is computed and its log kept
        self.env["ir.sequence"].search(
            [("code", "=", "account.dunning.communication"), ("company_id", "=", self.company.id)]
        ).prefix = "REL/"
        with freeze_time(TODAY):
            run.action_compute()
        self.assertEqual(run.state, "done")
        self.assertFalse(run.failure_reason)
        self.assertIn("computation failed", run.log, "the failure stays in the log")
        self.assertTrue(self._comms().mail_message_id)
        self.assertTrue(self._comms().name.startswith("REL/"))

    # ---- 9. large selections are sent in the background ---------------------------------------

    def test_300_validated_are_sent_in_background_batches(self):
        self.level_courtesy.write({"channel": "phone", "auto_send": False})
        customers = self.env["res.partner"].create(
            [{"name": f"Client {i:03d}", "is_company": True} for i in range(300)]
        )
        self._invoices([(customer, TODAY + D(2), 50.0) for customer in customers])
        drafts = self._run(TODAY)
        self.assertEqual(len(drafts), 300)
        self.assertEqual(set(drafts.mapped("state")), {"draft"})
        self.company.dunning_send_batch_size = 120

        with freeze_time(TODAY):
            result = drafts.action_validate()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(
            result["params"]["message"],
            "300 communications validated: they are being sent in the background. You will be "
            "notified when the sending is over.",
        )
        self.assertEqual(set(drafts.mapped("state")), {"to_send"}, "none sent in the request")
        self.assertEqual(drafts.validated_uid, self.env.user)
        self.assertFalse(drafts.activity_ids)
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.env.ref(SEND_CRON).id)]),
            "the scheduled action is called at once",
        )

        reports = self._run_cron(SEND_CRON)
        self.assertEqual(reports, [(120, 180), (120, 60), (60, 0)], "batches of the setting")
        self.assertEqual(set(drafts.mapped("state")), {"sent"})
        self.assertEqual(len(drafts.activity_ids), 300, "one call to make per customer")
        self.env.cr.precommit.run()  # what the cron's commit sends to the web client
        told = (
            self.env["bus.bus"]
            .sudo()
            .search([("message", "like", "The communications you validated")])
        )
        self.assertEqual(len(told), 1, "told once, at the end")

    def test_few_validated_are_sent_at_once(self):
        self.level_courtesy.auto_send = False
        self._invoices([(self.customer, TODAY + D(2), 50.0)])
        draft = self._run(TODAY)
        with freeze_time(TODAY):
            self.assertTrue(draft.action_validate())
        self.assertTrue(draft.mail_message_id, "the email is queued during the click")

    def test_retry_above_threshold_is_sent_in_background(self):
        self._invoices([(self.customer, TODAY + D(2), 50.0), (self.customer_2, TODAY + D(2), 60.0)])
        email_from = self.company.email
        self.company.email = False  # no sender: the emails fail
        comms = self._run(TODAY)
        self.assertEqual(set(comms.mapped("state")), {"failed"})
        self.company.write(
            {"email": email_from, "dunning_background_threshold": 1, "dunning_send_batch_size": 1}
        )
        self.env.invalidate_all()  # the sender, as the next request reads it
        with freeze_time(TODAY):
            result = comms.action_retry()
        self.assertEqual(
            result["params"]["message"],
            "2 communications to retry: they are being sent in the background. You will be "
            "notified when the sending is over.",
        )
        self.assertEqual(set(comms.mapped("state")), {"to_send"})
        self.assertEqual(self._run_cron(SEND_CRON), [(1, 1), (1, 0)])
        self.assertEqual(len(comms.mail_message_id), 2, "both emails queued, one per batch")

    # ---- 10. double and concurrent clicks -------------------------------------------------------

    def test_double_validation_gives_a_message(self):
        self.level_courtesy.auto_send = False
        self._invoices([(self.customer, TODAY + D(2), 50.0)])
        draft = self._run(TODAY)
        with freeze_time(TODAY):
            draft.action_validate()
            with self.assertRaisesRegex(UserError, "None of the selected communications is"):
                draft.action_validate()
        self.assertEqual(len(draft.mail_message_id), 1, "one email")

    def test_concurrent_validation_gives_a_message(self):
        self.level_courtesy.auto_send = False
        self._invoices([(self.customer, TODAY + D(2), 50.0)])
        draft = self._run(TODAY)
        with self._other_transaction() as other, freeze_time(TODAY):
            # another user's click is validating the same communication
            other.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CLICK_LOCK_NAMESPACE, draft.id])
            with self.assertRaisesRegex(UserError, "already being validated or sent by another"):
                draft.action_validate()
            with self.assertRaisesRegex(UserError, "already being validated or sent by another"):
                draft.action_recompute()
        self.assertEqual(draft.state, "draft")
        with freeze_time(TODAY):
            draft.action_validate()  # once the other click is over
        self.assertEqual(draft.state, "queued", "its email in the mail queue")

    def test_concurrent_computation_gives_in_progress_message(self):
        self._invoices([(self.customer, TODAY + D(2), 50.0)])
        Run = self.env["account.dunning.run"]
        run = Run.create({"company_id": self.company.id, "date": TODAY})
        with self._other_transaction() as other, freeze_time(TODAY):
            # another transaction computes the company's dunning
            other.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, self.company.id])
            with self.assertRaisesRegex(UserError, "already in progress for"):
                run.action_compute()
            with self.assertRaisesRegex(UserError, "already in progress for"):
                self.env.ref(DAILY_CRON).method_direct_trigger()
            # the cron leaves the company for a few minutes, computes the others, and stops
            reports = self._run_cron(DAILY_CRON)
            self.assertEqual(reports[-1][1], 0)
            self.assertEqual(run.state, "draft")
            self.assertTrue(
                self.env["ir.cron.trigger"].search(
                    [
                        ("cron_id", "=", self.env.ref(DAILY_CRON).id),
                        ("call_at", ">", "2026-03-02 00:04:00"),
                    ]
                ),
                "called again in a few minutes",
            )
        self.assertFalse(self._comms())
        self._run_cron(DAILY_CRON)
        self.assertEqual(run.state, "done")
        self.assertTrue(self._comms().mail_message_id)

    def test_first_computation_created_meanwhile_gives_in_progress_message(self):
        """Two first computations of a day at once: the run the other one created and
        committed after this transaction began is not visible here, and creating it again
        breaks the unique date of a company's run: the message, not a UniqueViolation."""
        company = self.env.ref("base.main_company")
        self.env["account.dunning.run"].search_count([])  # this transaction's snapshot
        run_id = None
        with self._other_transaction() as other:
            other.execute(
                "INSERT INTO account_dunning_run (company_id, date, state, name) "
                "VALUES (%s, CURRENT_DATE, 'draft', 'other') RETURNING id",
                [company.id],
            )
            run_id = other.fetchone()[0]
            other.commit()
        try:
            with self.assertRaisesRegex(UserError, "already in progress for"):
                self.env["account.dunning.run"]._get_today_run(company, self.env.cr.now().date())
        finally:
            with self._other_transaction() as other:
                other.execute("DELETE FROM account_dunning_run WHERE id = %s", [run_id])
                other.commit()

    # ---- 14. the run behaves as users expect --------------------------------------------------

    def test_run_manually_computes_and_sends(self):
        self._invoices(
            [(self.customer, TODAY - D(15), 100.0), (self.customer_2, TODAY + D(2), 50.0)]
        )
        with freeze_time(TODAY):
            self.env.ref(DAILY_CRON).method_direct_trigger()
        comms = self._comms()
        self.assertEqual(len(comms), 2)
        self.assertEqual(len(comms.mail_message_id), 2, "nothing waits for tomorrow")
        with freeze_time(TODAY):
            self.env.ref(DAILY_CRON).method_direct_trigger()  # twice: nothing more
        self.assertEqual(self._comms(), comms)

    def test_compute_again_appends_to_the_log(self):
        self._invoices(
            [(self.customer, TODAY - D(15), 100.0), (self.customer_2, TODAY + D(2), 50.0)]
        )
        comms = self._run(TODAY)
        self.assertEqual(len(comms), 2)
        self.assertEqual(self._run(TODAY), self.env["account.dunning.communication"])
        run = comms.run_id
        self.assertIn("2 communication(s) created", run.log, "the first computation stays")
        self.assertIn("0 communication(s) created", run.log)
        self.assertLess(
            run.log.index("2 communication(s) created"),
            run.log.index("0 communication(s) created"),
        )

    def test_cancelled_draft_is_not_created_again_the_same_day(self):
        self.level_courtesy.auto_send = False
        inv = self._invoices([(self.customer, TODAY + D(2), 50.0)])
        draft = self._run(TODAY)
        with freeze_time(TODAY):
            draft.action_cancel("Customer called: paid by transfer today")
        self.assertFalse(self._run(TODAY), "the person who cancelled it decided")
        self.assertIn(
            f"{inv.name} skipped: its communication of level Courtesy was cancelled today",
            draft.run_id.log,
        )
        tomorrow = self._run(TODAY + D(1))
        self.assertEqual(tomorrow.line_ids.move_id, inv, "the next day it is dunned again")

    def test_send_batch_size_is_a_setting(self):
        self.company.dunning_send_batch_size = 2
        customers = self.env["res.partner"].create(
            [{"name": f"Client {i}", "is_company": True, "email": f"c{i}@x.test"} for i in range(5)]
        )
        self._invoices([(customer, TODAY + D(2), 50.0) for customer in customers])
        reports = self._run_cron(DAILY_CRON)
        self.assertEqual(reports[-3:], [(2, 3), (2, 1), (1, 0)], "batches of 2")
        self.assertEqual(len(self._comms().mail_message_id), 5)

    def test_settings_show_the_sending_options(self):
        company = self.env["res.company"].create({"name": "Filiale Nantes"})
        self.assertEqual(company.dunning_send_batch_size, 20, "a batch well under 30 s")
        self.assertEqual(company.dunning_background_threshold, 20)
        settings = self.env["res.config.settings"].create({})
        settings.write({"dunning_send_batch_size": 25, "dunning_background_threshold": 40})
        settings.execute()
        self.assertEqual(self.company.dunning_send_batch_size, 25)
        self.assertEqual(self.company.dunning_background_threshold, 40)
        with self.assertRaises(UserError):
            self.company.dunning_send_batch_size = 0
