"""What a French user reads: dates in the French format in names, logs and notes, state names
that agree with what they describe, natural terms, readable failures, no summed percentages, and
the elision of "à l'ordre d'Atelier" on the documents."""

import re
from datetime import date, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.addons.account_dunning_fr.tools.french import elide_before
from odoo.tests import tagged

from .common import TODAY, DunningCase
from .document_common import LETTER, DocumentsCase
from .smtp import smtp_down

D = timedelta
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DAILY_CRON = "account_dunning_fr.ir_cron_account_dunning_run"


def _labels(env, model, field):
    return dict(env[model]._fields[field]._description_selection(env))


@tagged("post_install", "-at_install")
class TestFrenchUi(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["mail", "account_dunning_fr"], ["fr_FR"], overwrite=True
        )
        cls.fr = cls.env(context=dict(cls.env.context, lang="fr_FR"))

    def _search_filters(self, model):
        """{filter name: its label} of ``model``'s search view, in French."""
        arch = self.fr[model].get_view(view_type="search")["arch"]
        return {
            node.get("name"): node.get("string") for node in etree.fromstring(arch).iter("filter")
        }

    def test_run_name_log_and_notes_show_french_dates(self):
        self.env = self.fr  # a user who reads French, in a French company
        self.company.partner_id.lang = "fr_FR"
        self.customer.lang = "fr_FR"
        self._invoices([(self.customer, TODAY - D(15), 100.0)])
        comms = self._run(TODAY)
        run = comms.run_id
        self.assertEqual(run.name, "Relances du 02/03/2026")
        self.assertEqual(comms.state, "sent")
        # computed again the same day: the invoice already reminded is written in the log
        with freeze_time(TODAY):
            run.action_compute()
        self.assertIn("02/03/2026", run.log)
        self.assertNotRegex(run.log, ISO_DATE)
        notes = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        )
        self.assertTrue(notes)
        self.assertIn("Relance envoyée", " ".join(notes.mapped("body")))
        self.assertNotRegex(" ".join(notes.mapped("body")), ISO_DATE)

    def test_scheduled_run_writes_in_the_company_language(self):
        """The daily action runs as a user who reads English: the run of a French company,
        its log and the notes on its customers are in French all the same."""
        self.assertEqual(self.env.user.lang, "en_US")
        self.company.partner_id.lang = "fr_FR"
        self.customer.lang = "fr_FR"
        self._invoices([(self.customer, TODAY - D(15), 100.0)])
        # as the cron runner calls it (ir.cron._process_job), as its user
        cron = self.env.ref(DAILY_CRON).sudo()
        cron = cron.with_user(cron.user_id).with_context(lastcall=cron.lastcall, cron_id=cron.id)
        self.assertNotEqual(cron.env.lang, "fr_FR")
        with freeze_time(TODAY):
            for _call in range(5):
                cron, progress = cron._add_progress()
                cron._callback(cron.cron_name, cron.ir_actions_server_id.id)
                if not (progress.done and progress.remaining):
                    break
        self.env.invalidate_all()
        run = self.env["account.dunning.run"].search(
            [("company_id", "=", self.company.id), ("date", "=", TODAY)]
        )
        self.assertEqual(run.name, "Relances du 02/03/2026")
        self.assertIn("relance(s) créée(s)", run.log)
        self._process_mail_queue(TODAY)
        self.assertEqual(run.communication_ids.state, "sent")
        notes = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        )
        bodies = " ".join(notes.mapped("body"))
        self.assertIn("Relance envoyée", bodies)
        self.assertNotIn("sent:", bodies, "no English note on the customer")

    def test_promise_note_shows_the_french_date(self):
        self._invoices([(self.customer, TODAY - D(15), 100.0)])
        with freeze_time(TODAY):
            self.fr["account.dunning.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "amount": 100.0,
                    "date": date(2026, 12, 1),
                }
            )
        bodies = " ".join(
            self.env["mail.message"]
            .search([("model", "=", "res.partner"), ("res_id", "=", self.customer.id)])
            .mapped("body")
        )
        self.assertIn("au 01/12/2026 enregistrée", bodies)
        self.assertNotIn("2026-12-01", bodies)

    def test_state_names_agree_with_what_they_describe(self):
        env = self.fr
        self.assertEqual(
            list(_labels(env, "account.dunning.payment.plan", "state").values()),
            ["Brouillon", "Actif", "Soldé", "Défaillant", "Annulé"],
            "un échéancier: masculine",
        )
        self.assertEqual(
            list(_labels(env, "account.dunning.promise", "state").values()),
            ["En cours", "Tenue", "Non tenue", "Annulée"],
            "une promesse: feminine, and an open promise is «en cours», not «Ouvrir»",
        )
        states = _labels(env, "account.dunning.communication", "state")
        self.assertEqual((states["sent"], states["cancelled"]), ("Envoyée", "Annulée"))
        email = _labels(env, "account.dunning.communication", "email_status")
        self.assertEqual(
            (email["sent"], email["bounce"], email["canceled"]),
            ("E-mail envoyé", "Rejeté", "E-mail annulé"),
        )
        # filters and menus name several records: plural
        filters = self._search_filters("account.dunning.communication")
        self.assertEqual((filters["sent"], filters["cancelled"]), ("Envoyées", "Annulées"))
        self.assertEqual(
            self.env.ref("account_dunning_fr.menu_account_dunning_sent").with_env(env).name,
            "Envoyées",
        )
        filters = self._search_filters("account.dunning.promise")
        self.assertEqual(
            (filters["current"], filters["kept"], filters["broken"]),
            ("En cours", "Tenues", "Non tenues"),
        )
        self.assertEqual(
            self._search_filters("account.dunning.payment.plan")["breached"], "Défaillants"
        )

    def test_credit_hold_reads_compte_bloque(self):
        fields = self.fr["res.partner"].fields_get(["dunning_credit_hold"], ["string"])
        self.assertEqual(fields["dunning_credit_hold"]["string"], "Compte bloqué")
        filters = self._search_filters("res.partner")
        self.assertIn("Comptes bloqués", filters.values())
        self.assertNotIn("Encours bloqué", filters.values())

    def test_smtp_failure_says_what_failed_in_french(self):
        self.company.partner_id.lang = "fr_FR"
        self._invoices([(self.customer, TODAY - D(15), 100.0)])
        comms = self._run(TODAY, mail_queue=False)
        with smtp_down(self.env):
            self._process_mail_queue(TODAY)
        self.assertEqual(comms.state, "failed")
        notification = comms.mail_message_id.notification_ids
        self.assertEqual(notification.failure_type, "mail_smtp")
        smtp_label = _labels(self.fr, "mail.notification", "failure_type")["mail_smtp"]
        self.assertNotEqual(smtp_label, "Connection failed (outgoing mail server problem)")
        comm = comms.with_env(self.fr)
        self.assertIn("L'e-mail n'a pas pu être remis", comm.email_failure)
        self.assertIn(smtp_label, comm.email_failure)
        self.assertNotIn("mail_smtp", comm.email_failure)
        self.assertNotIn("mail_smtp", comm.failure_reason)
        self.assertIn(smtp_label, comm.failure_reason, "the mail queue's failure, translated")

    def test_rate_list_adds_up_no_percentage(self):
        arch = etree.fromstring(self.fr["account.dunning.rate"].get_view(view_type="list")["arch"])
        self.assertFalse([node.get("name") for node in arch.iter("field") if node.get("sum")])
        for model, names in (
            ("account.dunning.rate", ["rate"]),
            ("account.dunning.penalty.clause", ["fixed_rate", "margin", "multiple"]),
        ):
            described = self.env[model].fields_get(names, ["aggregator"])
            self.assertFalse(
                [name for name in names if described[name].get("aggregator")],
                f"{model}: a percentage summed when the list is grouped",
            )
        # grouped by kind, as a manager looks at the list: no total of the rates
        self.env["account.dunning.rate"].sudo().create(
            [
                {"kind": "ecb", "date_start": date(2031, 1, 1), "rate": 2.15},
                {"kind": "ecb", "date_start": date(2031, 7, 1), "rate": 2.40},
            ]
        )
        groups = self.env["account.dunning.rate"].web_read_group(
            [("date_start", ">=", date(2031, 1, 1))], ["kind"], ["kind"]
        )["groups"]
        self.assertNotIn("rate", groups[0])

    def test_elision_rule(self):
        cases = [
            (
                "Par chèque à l'ordre de Atelier Dupont SAS.",
                "Atelier Dupont SAS",
                "fr_FR",
                "Par chèque à l'ordre d'Atelier Dupont SAS.",
            ),
            (
                "au profit de Éditions Lumière",
                "Éditions Lumière",
                "fr_BE",
                "au profit d'Éditions Lumière",
            ),
            ("à l'ordre de Société X", "Société X", "fr_FR", "à l'ordre de Société X"),
            (
                "à l'ordre de Hôtel du Parc SAS",
                "Hôtel du Parc SAS",
                "fr_FR",
                "à l'ordre de Hôtel du Parc SAS",
            ),
            ("By cheque payable to Atelier", "Atelier", "en_US", "By cheque payable to Atelier"),
            ("Ce que Orange demande", "Orange", "fr_FR", "Ce qu'Orange demande"),
        ]
        for text, name, lang, expected in cases:
            self.assertEqual(elide_before(text, name, lang), expected)


@tagged("post_install", "-at_install")
class TestFrenchElision(DocumentsCase):
    """« Par chèque à l'ordre d'Atelier Dupont SAS », « à l'ordre de Fournitures Dupont SAS »."""

    def _letter_text(self):
        inv = self._invoices([(self.customer, date(2026, 2, 15), 480.0)])
        comm = self._comm(self.level_1, inv, date(2026, 3, 2))
        return self.render(LETTER, comm.ids)

    def test_cheque_to_the_order_of_a_name_starting_with_a_consonant(self):
        pdf = self._letter_text()
        self.assertPdfContains(pdf, "Par chèque à l'ordre de Fournitures Dupont SAS")
        self.assertPdfContains(pdf, "Par virement bancaire à l'ordre de Fournitures Dupont SAS")

    def test_cheque_to_the_order_of_a_name_starting_with_a_vowel(self):
        self.company.name = "Atelier Dupont SAS"
        pdf = self._letter_text()
        self.assertPdfContains(pdf, "Par chèque à l'ordre d'Atelier Dupont SAS")
        self.assertPdfContains(pdf, "Par virement bancaire à l'ordre d'Atelier Dupont SAS")
        self.assertPdfNotContains(pdf, "de Atelier")

    def test_payment_plan_elides_before_the_creditor(self):
        self.company.name = "Atelier Dupont SAS"
        inv = self._invoices([(self.customer, date(2026, 2, 15), 480.0)])
        with freeze_time(date(2026, 3, 2)):
            plan = self.env["account.dunning.payment.plan"].create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(inv.ids)],
                    "installment_count": 2,
                    "first_date": date(2026, 4, 1),
                }
            )
            plan.action_generate_installments()
            texts = plan.with_context(lang="fr_FR")._get_contract_texts()
        means = " ".join(texts["payment_means"])
        self.assertIn("Par chèque à l'ordre d'Atelier Dupont SAS", means)
        self.assertIn("au profit d'Atelier Dupont SAS", means)
        self.assertNotIn("de Atelier", means)
