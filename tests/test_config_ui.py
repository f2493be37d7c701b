"""Configuration a credit manager can reach (the level form, the company's legal wording), the
consumer policy chosen for consumers, the go-live run, and what the buttons acting on a
selection say they did."""

from datetime import timedelta as D

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.addons.account_dunning_fr.wizards.account_dunning_aged_balance import (
    flush_receivables,
    open_items_sql,
)
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import TODAY
from .credit_common import CreditCase
from .test_formal_notice import pdf_text

NOTICE = "account_dunning_fr.action_report_dunning_formal_notice"
SEND_CRON = "account_dunning_fr.ir_cron_account_dunning_send"
COMMUNICATION_ACTIONS = {
    "action_account_dunning_communication": "all",
    "action_account_dunning_communication_to_validate": "to_validate",
    "action_account_dunning_communication_to_print": "to_print",
    "action_account_dunning_communication_sent": "sent",
    "action_account_dunning_communication_failed": "failed",
}


@tagged("post_install", "-at_install")
class TestConfigUi(CreditCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Policy = cls.env["account.dunning.policy"]
        shipped = Policy.search([("company_id", "=", cls.company.id)]) - cls.policy
        cls.standard = shipped.filtered(lambda policy: policy.customer_kind == "b2b")
        cls.consumer_policy = shipped.filtered(lambda policy: policy.customer_kind == "b2c")
        # the shipped consumer policy, default of the consumers (the test policy: of the others)
        cls.consumer_policy.is_default = True
        cls.consumer = cls.env["res.partner"].create(
            {
                "name": "Julie Bernard",
                "email": "julie@bernard.test",
                "street": "8 rue des Lilas",
                "zip": "69003",
                "city": "Lyon",
            }
        )

    def _notification(self, action):
        self.assertEqual(action["type"], "ir.actions.client")
        self.assertEqual(action["tag"], "display_notification")
        return action["params"]["message"]

    # ---- 5. configuration a user can reach --------------------------------------------------

    def test_level_form_opens_from_the_policy_and_from_a_menu(self):
        config = self.env.ref("account_dunning_fr.menu_account_dunning_config")
        menu = self.env.ref("account_dunning_fr.menu_account_dunning_level")
        self.assertEqual(menu.parent_id, config, "Accounting > Configuration > Dunning > Levels")
        self.assertEqual(
            menu.action, self.env.ref("account_dunning_fr.action_account_dunning_level")
        )
        self.assertEqual(menu.action.res_model, "account.dunning.level")
        levels = self.env["account.dunning.level"].with_user(self.manager)
        views = levels.get_views([(False, "list"), (False, "form"), (False, "search")])["views"]
        self.assertFalse(
            etree.fromstring(views["list"]["arch"]).get("editable"),
            "a click on a level opens its form, not an editable row",
        )
        form_fields = {
            node.get("name") for node in etree.fromstring(views["form"]["arch"]).iter("field")
        }
        self.assertLessEqual(
            {"letter_intro", "letter_closing", "report_id", "payment_deadline_days", "email_copy"},
            form_fields,
        )
        self.assertIn(
            b"action_reset_wording", etree.tostring(etree.fromstring(views["form"]["arch"]))
        )

        # from the policy form: the level opens in its form, and its wording is saved
        policy_arch = etree.fromstring(
            self.env["account.dunning.policy"].get_views([(False, "form")])["views"]["form"]["arch"]
        )
        (levels_field,) = policy_arch.xpath("//field[@name='level_ids']")
        self.assertFalse(levels_field.xpath(".//list[@editable]"))
        with Form(self.standard.with_user(self.manager)) as policy_form:
            notice = next(
                index
                for index, level in enumerate(self.standard._get_levels_in_order())
                if level.channel == "formal_notice"
            )
            with policy_form.level_ids.edit(notice) as level_form:
                level_form.letter_closing = "Dernier avis avant le tribunal."
                level_form.payment_deadline_days = 10
                level_form.email_copy = False
        level = self.standard._get_levels_in_order()[notice]
        self.assertEqual(level.letter_closing, "Dernier avis avant le tribunal.")
        self.assertEqual(level.payment_deadline_days, 10)
        self.assertFalse(level.email_copy)

    def test_legal_wording_from_the_dunning_configuration(self):
        menu = self.env.ref("account_dunning_fr.menu_account_dunning_wording")
        self.assertEqual(
            menu.parent_id, self.env.ref("account_dunning_fr.menu_account_dunning_config")
        )
        action = menu.action.with_user(self.manager).with_company(self.company).run()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.company", self.company.id))
        view = self.env.ref("account_dunning_fr.res_company_view_form_dunning_wording")
        self.assertEqual(action["views"], [(view.id, "form")])
        # a credit manager without the right to change the company edits its legal wording
        company = self.company.with_user(self.manager)
        with Form(company, view=view) as form:
            form.dunning_notice_consequences = "Sans paiement sous 8 jours, nous saisirons le juge."
            form.dunning_signatory_function = "Responsable crédit"
        self.assertEqual(
            self.company.dunning_notice_consequences,
            "Sans paiement sous 8 jours, nous saisirons le juge.",
        )
        with self.assertRaises(AccessError):
            company.write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.company.with_user(self.collector).write({"dunning_signatory_function": "X"})

    def test_consumer_policy_shipped_beside_the_professional_one(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        company = self.env["res.company"].create({"name": "Nouvelle Boutique"})
        defaults = self.env["account.dunning.policy"].search(
            [("company_id", "=", company.id), ("is_default", "=", True)]
        )
        self.assertEqual(sorted(defaults.mapped("customer_kind")), ["b2b", "b2c"])
        consumer = defaults.filtered(lambda policy: policy.customer_kind == "b2c")
        self.assertEqual(consumer.with_context(lang="fr_FR").name, "Relance des particuliers")
        levels = consumer._get_levels_in_order()
        self.assertFalse(any(levels.mapped("credit_hold")))
        notice = levels.filtered(lambda level: level.channel == "formal_notice")
        closing = notice.with_context(lang="fr_FR").letter_closing
        self.assertIn("taux légal", closing)
        self.assertIn("1344-1", closing)
        self.assertNotIn("40", closing)
        professional = (defaults - consumer)._get_levels_in_order()
        self.assertNotIn("taux légal", professional[4].with_context(lang="fr_FR").letter_closing)
        # a new default consumer policy replaces the previous one, not the professionals'
        other = consumer.copy({"name": "Other", "is_default": True, "customer_kind": "b2c"})
        self.assertTrue(other.is_default)
        self.assertFalse(consumer.is_default)
        self.assertTrue((defaults - consumer).is_default)

    def test_policy_applies_by_customer_kind_and_explicit_policy_wins(self):
        individual_with_policy = self.consumer.copy({"name": "Marc Durand"})
        individual_with_policy.dunning_policy_id = self.policy
        self._invoices(
            [
                (self.consumer, TODAY - D(8), 300.0),
                (self.customer, TODAY - D(8), 400.0),
                (individual_with_policy, TODAY - D(8), 500.0),
            ]
        )
        comms = self._run(TODAY)
        policy_of = {comm.partner_id: comm.policy_id for comm in comms}
        self.assertEqual(policy_of[self.consumer], self.consumer_policy, "a consumer: theirs")
        self.assertEqual(policy_of[self.customer], self.policy, "a professional: the default")
        self.assertEqual(policy_of[individual_with_policy], self.policy, "its own policy wins")
        # the aged balance reads the same rule
        flush_receivables(self.env)
        rows = self.env.execute_query_dict(open_items_sql(self.company, TODAY))
        by_partner = {row["partner_id"]: row["policy_id"] for row in rows}
        self.assertEqual(by_partner[self.consumer.id], self.consumer_policy.id)
        self.assertEqual(by_partner[self.customer.id], self.policy.id)
        # without a default consumer policy, consumers follow the professionals' default
        self.consumer_policy.is_default = False
        self.assertEqual(
            self.env.execute_query_dict(open_items_sql(self.company, TODAY))[0]["policy_id"],
            self.policy.id,
        )

    # ---- the go-live run ----------------------------------------------------------------------

    def test_ordinary_run_starts_a_late_debt_at_the_first_level(self):
        self.customer.dunning_policy_id = self.standard
        self._invoices([(self.customer, TODAY - D(150), 2500.0)])
        comm = self._run(TODAY)
        self.assertEqual(comm.level_id, self.standard._get_levels_in_order()[0])

    def test_go_live_run_places_a_late_debt_at_the_level_its_age_reaches(self):
        self.customer.dunning_policy_id = self.standard
        old, recent = self._invoices(
            [(self.customer, TODAY - D(150), 2500.0), (self.customer_2, TODAY - D(25), 800.0)]
        )
        self.customer_2.dunning_policy_id = self.standard
        consumer_invoice = self._invoices([(self.consumer, TODAY - D(150), 450.0)])
        with freeze_time(TODAY):
            run = self.env["account.dunning.run"].create(
                {"company_id": self.company.id, "date": TODAY, "go_live": True}
            )
            run.action_compute()
        comms = run.communication_ids
        notice = self._comm_of(comms, old)
        levels = self.standard._get_levels_in_order()
        self.assertEqual(notice.level_id.channel, "formal_notice", "150 days: the formal notice")
        self.assertNotEqual(
            notice.level_id, levels[-1], "never past the formal notice (litigation at 75 days)"
        )
        self.assertEqual(
            self._comm_of(comms, recent).level_id, levels[2], "25 days: the second reminder"
        )
        self.assertEqual(notice.level_id.report_id, self.env.ref(NOTICE))
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        text = pdf_text(Report._render_qweb_pdf(NOTICE, notice.ids)[0])
        self.assertIn("Formal notice to pay (mise en demeure)", text)
        self.assertIn(old.name, text)
        self.assertIn("Fixed recovery indemnity", text)
        # the consumer: the consumer policy's formal notice, legal-rate interest, no indemnity
        consumer_notice = self._comm_of(comms, consumer_invoice)
        self.assertEqual(consumer_notice.policy_id, self.consumer_policy)
        self.assertEqual(consumer_notice.level_id.channel, "formal_notice")
        text = pdf_text(Report._render_qweb_pdf(NOTICE, consumer_notice.ids)[0])
        self.assertIn("Formal notice to pay (mise en demeure)", text)
        self.assertIn("interest at the legal rate", text)
        self.assertNotIn("recovery indemnity of 40", text)
        self.assertNotIn("Fixed recovery indemnity", text)

    # ---- 6. feedback of the buttons -----------------------------------------------------------

    def test_run_and_communication_buttons_say_what_they_did(self):
        self._invoices(
            [(self.customer, TODAY - D(25), 400.0), (self.customer_2, TODAY - D(11), 300.0)]
        )
        for invoice in self.env["account.move"].search(
            [("partner_id", "=", self.customer.id), ("move_type", "=", "out_invoice")]
        ):
            invoice.dunning_level_id = self.level_1
            invoice.dunning_last_date = TODAY - D(12)
        with freeze_time(TODAY):
            run = self.env["account.dunning.run"].create(
                {"company_id": self.company.id, "date": TODAY}
            )
            message = self._notification(run.with_user(self.manager).action_compute())
        self.assertEqual(
            message,
            "1 run(s) computed: 2 communication(s) created, 1 of them to validate. "
            "Outcome: 1 in the mail queue.",
        )
        letter = run.communication_ids.filtered(lambda comm: comm.state == "draft")
        with freeze_time(TODAY):
            message = self._notification(letter.with_user(self.manager).action_recompute())
            self.assertEqual(message, "1 communication(s) recomputed, 0 now complete.")
            message = self._notification(letter.with_user(self.manager).action_validate())
        self.assertEqual(message, "1 communication(s) validated. Outcome: 1 to print and post.")

        action = letter.with_user(self.manager).action_mark_posted()
        with freeze_time(TODAY):
            wizard = Form(
                self.env[action["res_model"]]
                .with_user(self.manager)
                .with_context(**action["context"])
            ).save()
            result = wizard.action_confirm()
        self.assertEqual(self._notification(result), "1 letter(s) marked as posted on 03/02/2026.")
        self.assertEqual(result["params"]["next"], {"type": "ir.actions.act_window_close"})

        email = run.communication_ids - letter
        cancel = Form(
            self.env["account.dunning.communication.cancel"]
            .with_user(self.manager)
            .with_context(active_ids=email.ids)
        )
        cancel.reason = "Paid by transfer"
        message = self._notification(cancel.save().action_confirm())
        self.assertEqual(message, "1 communication(s) cancelled.")
        self.assertEqual(email.state, "cancelled")

    def test_retry_says_what_it_did_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self._invoices([(self.customer, TODAY + D(2), 50.0)])
        email_from = self.company.email
        self.company.email = False  # no sender: the email fails
        comm = self._run(TODAY)
        self.assertEqual(comm.state, "failed")
        self.company.email = email_from
        self.env.invalidate_all()
        with freeze_time(TODAY):
            message = self._notification(
                comm.with_user(self.manager).with_context(lang="fr_FR").action_retry()
            )
        self.assertEqual(
            message,
            "1 communication(s) renvoyée(s). Résultat : 1 dans la file d'attente des e-mails.",
        )

    def test_large_validation_is_queued_and_the_user_told_at_the_end(self):
        self.level_courtesy.auto_send = False
        customers = self.env["res.partner"].create(
            [{"name": f"Client {i}", "is_company": True, "email": f"c{i}@x.test"} for i in range(3)]
        )
        self._invoices([(customer, TODAY + D(2), 50.0) for customer in customers])
        drafts = self._run(TODAY)
        self.company.dunning_background_threshold = 2
        with freeze_time(TODAY):
            action = drafts.with_user(self.manager).action_validate()
        self.assertEqual(action["params"]["title"], "Sending in the background")
        self.assertEqual(
            action["params"]["message"],
            "3 communications validated: they are being sent in the background. You will be "
            "notified when the sending is over.",
        )
        self.assertEqual(drafts.background_uid, self.manager)
        self.assertEqual(set(drafts.mapped("state")), {"to_send"})
        with freeze_time(TODAY):
            self.env["account.dunning.run"]._cron_send_queue()
        self.assertEqual(set(drafts.mapped("state")), {"queued"})
        self.env.cr.precommit.run()
        told = (
            self.env["bus.bus"]
            .sudo()
            .search([("message", "like", "The communications you validated have been sent")])
        )
        self.assertEqual(len(told), 1)
        self.assertIn(f'"res.partner",{self.manager.partner_id.id}]', told.channel)

    def test_promise_and_plan_buttons_say_what_they_did(self):
        promises = self.env["account.dunning.promise"].create(
            [
                {"partner_id": self.customer.id, "date": TODAY + D(5), "amount": 100.0},
                {"partner_id": self.customer_2.id, "date": TODAY + D(5), "amount": 200.0},
            ]
        )
        promises[1].action_cancel()
        message = self._notification(promises.with_user(self.manager).action_cancel())
        self.assertEqual(message, "1 promise(s) cancelled, 1 left as they were (not open).")
        with self.assertRaisesRegex(UserError, "None of the selected promises is open"):
            promises.action_cancel()

        invoice = self._invoices([(self.customer, TODAY - D(20), 900.0)])
        with freeze_time(TODAY):
            plan = self.env["account.dunning.payment.plan"].create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                    "installment_count": 3,
                    "first_date": TODAY + D(10),
                }
            )
            plan.action_generate_installments()
            message = self._notification(plan.with_user(self.manager).action_activate())
            self.assertEqual(
                message,
                "1 payment plan(s) activated: 1 invoice(s) are no longer dunned while the "
                "installments are paid.",
            )
            message = self._notification(plan.with_user(self.manager).action_cancel())
        self.assertEqual(message, "1 payment plan(s) cancelled, 0 left as they were.")

    def test_list_buttons_of_the_states_each_list_shows(self):
        arch = etree.fromstring(
            self.env["account.dunning.communication"].get_views([(False, "list")])["views"]["list"][
                "arch"
            ]
        )
        header = arch.find("header")
        visible = {}
        for xmlid, key in COMMUNICATION_ACTIONS.items():
            context = safe_eval(self.env.ref(f"account_dunning_fr.{xmlid}").context or "{}")
            self.assertFalse(context.get("create", True), f"{xmlid}: no New button")
            visible[key] = {
                button.get("name")
                for button in header.iter("button")
                if not safe_eval(button.get("invisible") or "False", {"context": context})
            }
        self.assertIn("action_validate", visible["to_validate"])
        self.assertIn("action_recompute", visible["to_validate"])
        self.assertNotIn("action_retry", visible["to_validate"])
        self.assertNotIn("action_mark_posted", visible["to_validate"])
        self.assertEqual(visible["failed"] & {"action_validate", "action_mark_posted"}, set())
        self.assertIn("action_retry", visible["failed"])
        self.assertIn("action_mark_posted", visible["to_print"])
        self.assertNotIn("action_validate", visible["sent"])
        self.assertNotIn("action_retry", visible["sent"])
        self.assertLessEqual(
            {"action_validate", "action_retry", "action_mark_posted", "action_recompute"},
            visible["all"],
        )
        # the rows: each button of the states it applies to
        rows = {button.get("name"): button.get("invisible") for button in arch.findall("button")}
        self.assertEqual(rows["action_retry"], "state != 'failed'")
        self.assertEqual(rows["action_validate"], "state not in ('draft', 'waiting_rates')")

    def test_new_is_not_offered_on_communications(self):
        Comm = self.env["account.dunning.communication"].with_user(self.manager)
        views = Comm.get_views([(False, "list"), (False, "form")])["views"]
        for view_type in ("list", "form"):
            self.assertEqual(etree.fromstring(views[view_type]["arch"]).get("create"), "0")
        self.assertFalse(Comm.has_access("create"), "made by the runs only")
        self.assertFalse(self.customer.action_view_dunning_communications()["context"]["create"])
