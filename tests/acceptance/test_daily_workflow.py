"""Acceptance: a credit manager's day on a realistic French company.

The company is the demo of ``devtools/build_demo.py`` at scale 3 (60 customers in several cities,
a third of the copies' customers reading English, one customer with 40 late invoices, about 340
invoices). The day is lived as it happens in production:

- the daily scheduled action runs through ``ir.cron`` as the cron runner calls it
  (``_acquire_one_job`` / ``_process_job``, one unit of work per call, progress reported), at two
  successive dates;
- every queued email goes through Odoo's mail queue to a real SMTP server on 127.0.0.1 and is
  checked as the customer receives it, against its communication;
- the credit manager validates the formal notices, prints them in one batch, marks them posted
  with their registered-letter numbers, records a promise to pay, a payment plan and a dispute,
  and makes a penalty invoice, a statement of account and a court dossier;
- every document is rendered by wkhtmltopdf through Odoo's HTTP server (with its styles) and read
  with its words and their positions: content, and the layout checks of ``tests/documents.py``.
"""

from datetime import date, timedelta

import pytest
from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, HttpCase, tagged
from odoo.tools.misc import format_amount, format_date

from ..documents import normalise, pdf_from_bytes, render_report
from ..smtp import attachments, body_text, smtp_server

try:
    from devtools.build_demo import build_demo
except ImportError:  # pytest launched as a script: the repository root is not on sys.path
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from devtools.build_demo import build_demo

pytestmark = pytest.mark.acceptance

DAY_1 = date(2026, 6, 15)  # a Monday; the reference rates of 2026-H1 are known
DAY_2 = DAY_1 + timedelta(days=7)
SCALE = 3
LANGS = ("fr_FR", "en_US")
PER_TEMPLATE_AND_LANG = 4  # communications at least, per tone of email and language
CRON = "account_dunning_fr.ir_cron_account_dunning_run"
LONG_ACCOUNT_REF = "DEMO-CUST-201"  # build_demo: the first company of copy 2


@tagged("post_install", "-at_install")
class TestCreditManagerDay(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["base", "account", "mail", "account_dunning_fr"], ["fr_FR"], overwrite=True
        )
        with freeze_time(DAY_1):
            cls.demo = build_demo(cls.env, today=DAY_1, chart_template=None, scale=SCALE)
        cls.company = cls.demo["company"]
        cls.company.write(
            {
                "dunning_signatory_name": "Claire Dupont",
                "dunning_signatory_function": "Responsable du recouvrement",
                "external_report_layout_id": cls.env.ref("web.external_layout_standard").id,
            }
        )
        cls.policy = cls.env["account.dunning.policy"].search(
            [
                ("company_id", "=", cls.company.id),
                ("is_default", "=", True),
                ("customer_kind", "=", "b2b"),
            ]
        )
        levels = cls.policy._get_levels_in_order()
        cls.level_courtesy, cls.level_first, cls.level_firm = levels[:3]
        cls.level_call = levels.filtered(lambda level: level.channel == "phone")[:1]
        cls.level_notice = levels.filtered(lambda level: level.channel == "formal_notice")[:1]
        cls.customers = cls.demo["customers"]
        cls.long_account = cls.customers.filtered(lambda p: p.ref == LONG_ACCOUNT_REF)
        cls._go_live()
        # the day is the credit manager's: a French accounting manager (dunning manager)
        cls.manager = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Claire Dupont",
                    "login": "claire.dupont",
                    "email": "claire.dupont@atelier-dupont.example",
                    "lang": "fr_FR",
                    "tz": "Europe/Paris",
                    "company_id": cls.company.id,
                    "company_ids": [Command.set(cls.company.ids)],
                    "groups_id": [
                        Command.link(cls.env.ref("base.group_user").id),
                        Command.link(cls.env.ref("account.group_account_manager").id),
                    ],
                }
            )
        )
        cls.env = cls.env(user=cls.manager, context={"lang": "fr_FR", "tz": "Europe/Paris"})
        cls.company = cls.company.with_env(cls.env)
        with smtp_server(cls.env) as sink:
            cls.sink = sink
            cls.day_1 = cls._run_daily_action(DAY_1)
            cls.received_day_1 = cls._deliver(DAY_1)
            cls._work_the_formal_notices()
            cls._record_commitments()
            cls.day_2 = cls._run_daily_action(DAY_2)
            cls.received_day_2 = cls._deliver(DAY_2)

    # -- the day ------------------------------------------------------------------------------

    @classmethod
    def _go_live(cls):
        """What the customers were already sent by the previous tool, taken over as level
        overrides (README: a manual level override decides the next communication), and a few
        new customers whose first invoice falls due in three days: each email template gets at
        least PER_TEMPLATE_AND_LANG communications in each language on the first day."""
        customers = cls.customers.filtered(
            lambda p: p.is_company and p.email and p != cls.long_account
        )
        open_late = cls.demo["invoices"].filtered(
            lambda m: m.payment_state in ("not_paid", "partial")
            and m.invoice_date_due < DAY_1 - timedelta(days=45)
            and not m.dunning_disputed
        )
        by_lang = {
            lang: customers.filtered(lambda p, lang=lang: p.lang == lang)
            & open_late.commercial_partner_id
            for lang in LANGS
        }
        cls.firm_customers = cls.env["res.partner"]
        cls.notice_customers = cls.long_account
        for lang in LANGS:
            candidates = by_lang[lang]
            cls.firm_customers |= candidates[:PER_TEMPLATE_AND_LANG]
            cls.notice_customers |= candidates[PER_TEMPLATE_AND_LANG : 2 * PER_TEMPLATE_AND_LANG]
        late_of = open_late.grouped("commercial_partner_id")
        for partner in cls.firm_customers:
            late_of[partner].dunning_level_override_id = cls.level_firm
        for partner in cls.notice_customers:
            late_of[partner].dunning_level_override_id = cls.level_notice
        # new customers, nothing late yet: courtesy reminders
        france = cls.env.ref("base.fr")
        cls.new_customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"{name} {index}",
                    "is_company": True,
                    "company_id": cls.company.id,
                    "street": f"{index} rue Neuve",
                    "zip": "69001",
                    "city": "Lyon",
                    "country_id": france.id,
                    "lang": lang,
                    "email": f"compta{index}@{lang[:2]}-nouveau.example",
                }
                for lang, name in (("fr_FR", "Épicerie Nouvelle"), ("en_US", "New Trading Ltd"))
                for index in range(1, PER_TEMPLATE_AND_LANG + 1)
            ]
        )
        journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "sale")], limit=1
        )
        product = cls.demo["products"][0]
        invoices = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "company_id": cls.company.id,
                    "journal_id": journal.id,
                    "partner_id": partner.id,
                    "invoice_date": DAY_1 - timedelta(days=27),
                    "invoice_date_due": DAY_1 + timedelta(days=3),
                    "invoice_line_ids": [Command.create({"product_id": product.id})],
                }
                for partner in cls.new_customers
            ]
        )
        invoices.action_post()

    @classmethod
    def _run_daily_action(cls, when):
        """The daily scheduled action as the cron runner calls it (``ir.cron._run_job``): its
        server action again and again, each call under a new progress record, until it reports
        no work left; returns the communications made that day.

        The runner's own transactions are left out: a test runs in one transaction, and the
        HTTP server that serves the report styles to wkhtmltopdf shares it."""
        cron = cls.env.ref(CRON).sudo()
        cron = cron.with_user(cron.user_id).with_context(lastcall=cron.lastcall, cron_id=cron.id)
        with freeze_time(when):
            for _call in range(50):
                cron, progress = cron._add_progress()
                cron._callback(cron.cron_name, cron.ir_actions_server_id.id)
                if not (progress.done and progress.remaining):
                    break
            else:
                raise AssertionError("the daily dunning never reported that it was done")
        cls.env.invalidate_all()
        return cls.env["account.dunning.communication"].search(
            [("company_id", "=", cls.company.id), ("date", "=", when)]
        )

    @classmethod
    def _deliver(cls, when):
        """Odoo's mail queue, sent for real to the SMTP server on ``when``; the messages
        received. The emails' communications are sent from then on, not before."""
        before = len(cls.sink.messages)
        with freeze_time(when):
            cls.env["mail.mail"].sudo().process_email_queue()
        cls.env.invalidate_all()
        queued = cls.env["mail.mail"].sudo().search_count([("state", "=", "outgoing")])
        assert not queued, f"{queued} email(s) still in the queue"
        return cls.sink.messages[before:]

    @classmethod
    def _work_the_formal_notices(cls):
        """Validate the formal notices waiting for a person, print them in one batch, post them
        with their registered-letter numbers."""
        with freeze_time(DAY_1):
            notices = cls.day_1.filtered(
                lambda c: c.channel == "formal_notice" and c.state == "draft"
            )
            cls.notices = notices
            notices.action_validate()
            cls.received_copies = cls._deliver(DAY_1)
            action = notices.action_print()
            cls.print_action = action
            cls.batch_pdf = render_report(cls.env, cls.level_notice.report_id, notices.ids)
            cls.registered_numbers = {
                notice.id: f"1A 123 456 {index:04d} 7" for index, notice in enumerate(notices)
            }
            cls._mark_posted(notices)

    @classmethod
    def _mark_posted(cls, notices):
        """*Mark as Posted* as the credit manager does it: the dialog lists the letters, each
        gets the number of its registered letter."""
        action = notices.action_mark_posted()
        wizard_model = cls.env[action["res_model"]].with_context(**action["context"])
        with Form(wizard_model) as form:
            for index in range(len(form.line_ids)):
                with form.line_ids.edit(index) as line:
                    line.registered_letter_number = cls.registered_numbers[line.communication_id.id]
        form.save().action_confirm()

    @classmethod
    def _record_commitments(cls):
        """Between the two runs: a promise to pay, a payment plan and a dispute, each on a
        customer reminded on the first day."""
        with freeze_time(DAY_1 + timedelta(days=1)):
            reminded = (
                cls.day_1.filtered(lambda c: c.state == "sent" and c.channel == "email")
                .partner_id.filtered(lambda p: p.is_company)
                .sorted("id")
            )
            reminded -= cls.firm_customers | cls.notice_customers
            cls.promise_customer, cls.plan_customer, cls.dispute_customer = reminded[:3]
            cls.promise = cls.env["account.dunning.promise"].create(
                {
                    "partner_id": cls.promise_customer.id,
                    "company_id": cls.company.id,
                    "date": DAY_2 + timedelta(days=3),
                    "amount": 500.0,
                }
            )
            plan_invoices = cls._open_invoices(cls.plan_customer)
            cls.plan = cls.env["account.dunning.payment.plan"].create(
                {
                    "partner_id": cls.plan_customer.id,
                    "company_id": cls.company.id,
                    "invoice_ids": [Command.set(plan_invoices.ids)],
                    "installment_count": 3,
                    "first_date": DAY_1 + timedelta(days=30),
                }
            )
            cls.plan.action_generate_installments()
            cls.plan.action_activate()
            cls.disputed = cls._open_invoices(cls.dispute_customer)
            reason = cls.env["account.dunning.dispute.reason"].search([], limit=1)
            cls.disputed.write(
                {
                    "dunning_disputed": True,
                    "dunning_dispute_reason_id": reason.id,
                    "dunning_dispute_date": DAY_1 + timedelta(days=1),
                }
            )

    @classmethod
    def _open_invoices(cls, partner):
        return cls.env["account.move"].search(
            [
                ("commercial_partner_id", "=", partner.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        )

    # -- helpers --------------------------------------------------------------------------------

    def _emailed(self, communications):
        """The communications of ``communications`` that sent an email (or an email copy)."""
        return communications.filtered(lambda c: c.mail_message_id)

    def _message_of(self, comm, received):
        matches = [
            msg
            for msg in received
            if comm.recipient_id.email in msg.get("To", "") and comm.name in msg.get("Subject", "")
        ]
        self.assertEqual(
            len(matches), 1, f"{comm.name}: {len(matches)} message(s) received, expected one"
        )
        return matches[0]

    def _assert_email_is_the_customers_own(self, comm, message):
        lang = comm._get_document_lang()
        company = comm.company_id
        self.assertIn(company.email, message["From"], f"{comm.name}: sender")
        self.assertNotIn("OdooBot", message["From"])
        self.assertIn(comm.name, message["Subject"])
        self.assertIn(normalise(company.name), normalise(message["Subject"]))
        text = body_text(message)
        for line in comm.line_ids:
            self.assertIn(line.move_name, text, f"{comm.name}: invoice number")
            self.assertIn(
                normalise(format_amount(self.env, line.amount_due, line.currency_id, lang)),
                text,
                f"{comm.name}: amount due of {line.move_name}",
            )
            self.assertIn(
                format_date(self.env, line.date_due, lang_code=lang),
                text,
                f"{comm.name}: due date of {line.move_name}",
            )
        pdfs = [content for _name, ctype, content in attachments(message) if "pdf" in ctype]
        self.assertEqual(len(pdfs), 1, f"{comm.name}: the letter attached")
        attached = pdf_from_bytes(pdfs[0])
        for line in comm.line_ids:
            self.assertTrue(attached.contains(line.move_name), f"{comm.name}: PDF {line.move_name}")
        self.assertEqual(attached.layout_problems(), [], comm.name)

    # -- tests ----------------------------------------------------------------------------------

    def test_daily_action_makes_one_communication_per_customer(self):
        for day in (self.day_1, self.day_2):
            self.assertTrue(day)
            keys = [(c.partner_id, c.level_id, c.currency_id) for c in day]
            self.assertEqual(len(keys), len(set(keys)), "one per customer, level and currency")
        self.assertTrue(self.long_account in self.day_1.partner_id)
        waiting = (self.day_1 | self.day_2).filtered(
            lambda c: c.state in ("to_send", "queued", "failed")
        )
        self.assertFalse(
            waiting.filtered(lambda c: c.channel == "email"),
            "every email of the day was sent",
        )
        # running the action again the same day makes nothing new
        again = self._run_daily_action(DAY_2)
        self.assertEqual(again, self.day_2)

    def test_every_template_and_language_went_out(self):
        emailed = self._emailed(self.day_1 | self.day_2)
        counts = {}
        for comm in emailed:
            key = (comm.document_kind, comm._get_document_lang())
            counts[key] = counts.get(key, 0) + 1
        tones = {tone for tone, _lang in counts}
        self.assertEqual(tones, {"courtesy", "first", "firm", "formal_notice"})
        for tone in tones:
            for lang in LANGS:
                self.assertGreaterEqual(
                    counts.get((tone, lang), 0), PER_TEMPLATE_AND_LANG, f"{tone} in {lang}"
                )

    def test_emails_as_received(self):
        received = self.received_day_1 + self.received_copies + self.received_day_2
        emailed = self._emailed(self.day_1 | self.day_2)
        self.assertEqual(len(received), len(emailed), "one email per emailed communication")
        for comm in emailed:
            self._assert_email_is_the_customers_own(comm, self._message_of(comm, received))

    def test_emails_speak_the_customers_language(self):
        received = self.received_day_1 + self.received_day_2
        for comm in self._emailed(self.day_1 | self.day_2).filtered(lambda c: c.channel == "email"):
            text = body_text(self._message_of(comm, received))
            lang = comm._get_document_lang()
            if lang == "fr_FR":
                self.assertRegex(text, r"(Madame|Monsieur|Bonjour)", comm.name)
            else:
                self.assertRegex(text, r"(Dear|Hello)", comm.name)

    def test_formal_notices_printed_and_posted(self):
        self.assertGreaterEqual(len(self.notices), 2 * PER_TEMPLATE_AND_LANG + 1)
        self.assertTrue(all(n.state == "sent" for n in self.notices))
        for notice in self.notices:
            self.assertEqual(notice.registered_letter_number, self.registered_numbers[notice.id])
            self.assertTrue(notice.attachment_id, f"{notice.name}: the PDF kept as evidence")
            pdf = pdf_from_bytes(notice.attachment_id.raw)
            # the notice itself (the invoices enclosed after it print their own mentions) in
            # the customer's language, its legal wording included
            text = " ".join(page.text for page in pdf.documents()[0])
            if notice._get_document_lang() == "fr_FR":
                expected, foreign = (
                    ("Mise en demeure de payer", "LETTRE RECOMMANDÉE", "Code de commerce"),
                    "Commercial Code",
                )
            else:
                expected, foreign = ("REGISTERED LETTER", "Commercial Code"), "Code de commerce"
            for phrase in expected:
                self.assertIn(phrase, text, notice.name)
            self.assertNotIn(foreign, text, notice.name)
        batch = self.batch_pdf
        self.assertEqual(batch.layout_problems(), [])
        for notice in self.notices:
            self.assertTrue(batch.contains(notice.name), notice.name)
            self.assertTrue(batch.contains(notice.partner_id.name), notice.name)
        long_notice = self.notices.filtered(lambda n: n.partner_id == self.long_account)
        pdf = pdf_from_bytes(long_notice.attachment_id.raw)
        self.assertGreaterEqual(len(pdf.pages), 2, "40 invoices: the notice spans two pages")
        self.assertEqual(pdf.layout_problems(), [])
        for line in long_notice.line_ids:
            self.assertTrue(pdf.contains(line.move_name), line.move_name)
        self.assertTrue(self.long_account.dunning_credit_hold)

    def test_commitments_pause_the_dunning(self):
        self.assertNotIn(self.promise_customer, self.day_2.partner_id, "promise to pay")
        self.assertNotIn(self.plan_customer, self.day_2.partner_id, "payment plan")
        disputed_lines = self.day_2.line_ids.filtered(lambda line: line.move_id in self.disputed)
        self.assertFalse(disputed_lines, "disputed invoices are not dunned")
        plan_pdf = render_report(
            self.env, "account_dunning_fr.action_report_dunning_payment_plan", self.plan.ids
        )
        self.assertEqual(plan_pdf.layout_problems(), [])
        for invoice in self.plan.invoice_ids:
            self.assertTrue(plan_pdf.contains(invoice.name), invoice.name)

    def test_penalty_invoice_statement_and_court_dossier(self):
        with freeze_time(DAY_2):
            late = self._open_invoices(self.long_account)
            action = late.action_dunning_create_penalty_invoice()
            penalty = self.env["account.move"].browse(action.get("res_id")) or self.env[
                "account.move"
            ].search(action["domain"])
            self.assertEqual(len(penalty), 1)
            self.assertEqual(penalty.partner_id, self.long_account)
            self.assertLess(len(penalty.invoice_origin), 80, "a short source: the lines name all")
            penalty.action_post()
            invoice_pdf = render_report(self.env, "account.account_invoices", penalty.ids)
            self.assertEqual(invoice_pdf.layout_problems(), [])
            self.assertGreaterEqual(len(invoice_pdf.pages), 2, "a line per late invoice")
            for invoice in late:
                self.assertTrue(invoice_pdf.contains(invoice.name), invoice.name)

            statement = render_report(
                self.env,
                "account_dunning_fr.action_report_dunning_statement",
                self.long_account.ids,
                data={
                    "date_from": "2026-01-01",
                    "date_to": DAY_2.isoformat(),
                    "company_id": self.company.id,
                },
            )
            self.assertGreaterEqual(len(statement.pages), 2)
            self.assertEqual(statement.layout_problems(), [])
            for invoice in late:
                self.assertTrue(statement.contains(invoice.name), invoice.name)

            dossier = render_report(
                self.env,
                "account_dunning_fr.action_report_dunning_court_dossier",
                self.long_account.ids,
            )
            self.assertEqual(dossier.layout_problems(), [])
            notice = self.notices.filtered(lambda n: n.partner_id == self.long_account)
            self.assertTrue(dossier.contains(notice.name))
            self.assertTrue(dossier.contains(self.registered_numbers[notice.id]))
            self.assertTrue(dossier.contains(normalise(self.long_account.name)))
