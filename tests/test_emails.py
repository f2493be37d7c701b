"""Dunning emails as the customers receive them: a daily run's reminders go through Odoo's
mail queue to a real SMTP server on 127.0.0.1, and each message is read as its recipient
would (sender, subject, body, attached PDF)."""

import re
import subprocess
import tempfile
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount, format_date

from .common import DunningCase
from .smtp import attachments, body_text, smtp_server

IBAN = "FR76 3000 6000 0112 3456 7890 189"
TODAY = date(2026, 3, 2)
# What the shipped templates show where a value goes (mail_template_data.xml).
SAMPLE_VALUES = (
    r"INV/2026/0001\b",
    r"01/01/2026",
    r"100\.00 EUR",
    r"FR76 \.\.\.",
    r"Dear Customer\b",
    r"\bClient\b,",
    r"regards, Company\b",
    r"salutations, Company\b",
)


def _flat(text):
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " ")).strip()


def _pdf_text(raw):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(raw)
        tmp.flush()
        out = subprocess.run(
            ["pdftotext", tmp.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    return _flat(out)


@tagged("post_install", "-at_install")
class TestEmails(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["account_dunning_fr"], ["fr_FR"], overwrite=True
        )
        eur = cls.env.ref("base.EUR")
        eur.active = True
        cls.company.write(
            {
                "currency_id": eur.id,
                "name": "Fournitures Dupont SAS",
                "email": "compta@dupont.test",
                "street": "12 rue de la République",
                "zip": "69002",
                "city": "Lyon",
                "dunning_signatory_name": "Claire Dupont",
            }
        )
        cls.env["res.partner.bank"].create(
            {"acc_number": IBAN, "partner_id": cls.company.partner_id.id}
        )
        reminder = cls.env.ref("account_dunning_fr.mail_template_dunning")
        cls.level_1.mail_template_id = reminder
        # A day of reminders: 6 French and 5 English customers, one or two invoices each.
        Partner = cls.env["res.partner"]
        cls.customers = Partner.create(
            [
                {
                    "name": f"Client Français {i}",
                    "is_company": True,
                    "lang": "fr_FR",
                    "email": f"compta{i}@client-fr.test",
                    "city": "Lyon",
                }
                for i in range(6)
            ]
            + [
                {
                    "name": f"English Customer {i}",
                    "is_company": True,
                    "lang": "en_US",
                    "email": f"accounts{i}@customer-en.test",
                    "city": "London",
                }
                for i in range(5)
            ]
        )
        specs = []
        for i, customer in enumerate(cls.customers):
            specs.append((customer, date(2026, 2, 1 + i), 1000.0 + 111.11 * i))
            if i % 2:
                specs.append((customer, date(2026, 1, 5 + i), 250.0 + 7.25 * i))
        cls.invoices = cls._invoices(specs)

    def _send_day(self):
        """The daily run of TODAY, its emails delivered by the mail queue to the sink."""
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        with smtp_server(self.env) as sink:
            comms = self._run(TODAY)
            with freeze_time(TODAY):
                self.env["mail.mail"].process_email_queue()
            messages = sink.wait_for(len(comms))
            # the queue has returned: every message it sent is in
            self.assertEqual(len(sink.messages), len(comms), "nothing else was sent")
        return comms, messages

    def _expected_lines(self, comm):
        """The customer's own figures, formatted in its language as the email shows them."""
        lang = comm.recipient_id.lang
        return [
            (
                line.move_name,
                _flat(format_date(self.env, line.date_due, lang_code=lang)),
                _flat(format_amount(self.env, line.amount_due, line.currency_id, lang)),
            )
            for line in comm.line_ids
        ]

    def test_daily_run_emails_carry_each_customers_own_data(self):
        comms, messages = self._send_day()
        self.assertEqual(len(comms), len(self.customers), "one reminder per customer")
        self.assertEqual(set(comms.mapped("channel")), {"email"})
        self.assertEqual(set(comms.mapped("state")), {"sent"})
        by_lang = comms.grouped(lambda comm: comm.recipient_id.lang)
        self.assertGreaterEqual(len(by_lang["fr_FR"]), 5, "the batch path of one template")
        self.assertGreaterEqual(len(by_lang["en_US"]), 5)
        by_recipient = {message["To"].addresses[0].addr_spec: message for message in messages}
        self.assertEqual(set(by_recipient), set(comms.recipient_id.mapped("email")))
        for comm in comms:
            message = by_recipient[comm.recipient_id.email]
            with self.subTest(customer=comm.partner_id.name):
                sender = message["From"].addresses[0]
                self.assertEqual(
                    (sender.display_name, sender.addr_spec),
                    ("Fournitures Dupont SAS", "compta@dupont.test"),
                    "sent by the company, not the user or OdooBot",
                )
                self.assertEqual(
                    message["Reply-To"].addresses[0].addr_spec,
                    "compta@dupont.test",
                    "answers go to the company's collection mailbox",
                )
                self.assertEqual(message["To"].addresses[0].display_name, comm.recipient_id.name)
                french = comm.recipient_id.lang == "fr_FR"
                self.assertEqual(
                    _flat(message["Subject"]),
                    f"Fournitures Dupont SAS : relance de paiement {comm.name}"
                    if french
                    else f"Fournitures Dupont SAS: payment reminder {comm.name}",
                )
                body = body_text(message)
                self.assertIn(
                    "Madame, Monsieur," if french else f"Dear {comm.recipient_id.name},", body
                )
                for name, due, amount in self._expected_lines(comm):
                    self.assertIn(f"{name} {due} {amount}", body)
                self.assertIn(
                    _flat(
                        format_amount(
                            self.env, comm.amount_balance, comm.currency_id, comm.recipient_id.lang
                        )
                    ),
                    body,
                )
                self.assertIn(IBAN, body)
                self.assertIn(
                    "Cordialement, Fournitures Dupont SAS"
                    if french
                    else "Kind regards, Fournitures Dupont SAS",
                    body,
                )
                for sample in SAMPLE_VALUES:
                    self.assertNotRegex(body, sample)
                self.assertIn(
                    "restent impayées" if french else "remain unpaid",
                    body,
                    "the level's wording in the customer's language",
                )
                files = attachments(message)
                self.assertEqual(
                    [(name, ctype) for name, ctype, _raw in files],
                    [(f"{comm.name.replace('/', '-')}.pdf", "application/pdf")],
                )
                text = _pdf_text(files[0][2])
                for line in comm.line_ids:
                    self.assertIn(line.move_name, text)
                others = (comms - comm).line_ids.mapped("move_name")
                self.assertFalse([name for name in others if name in body.split()])

    def test_dunning_sender_of_the_company(self):
        self.company.dunning_email_from = "Service recouvrement Dupont <recouvrement@dupont.test>"
        comms, messages = self._send_day()
        self.assertEqual(len(messages), len(comms))
        for message in messages:
            for header in ("From", "Reply-To"):
                address = message[header].addresses[0]
                self.assertEqual(
                    (address.display_name, address.addr_spec),
                    ("Service recouvrement Dupont", "recouvrement@dupont.test"),
                )
        authors = comms.mail_message_id.author_id
        self.assertEqual(authors, self.company.partner_id, "posted by the company, not OdooBot")

    def test_no_email_from_the_user_when_the_company_has_none(self):
        self.company.partner_id.email = False
        with smtp_server(self.env) as sink:
            comms = self._run(TODAY)
            with freeze_time(TODAY):
                self.env["mail.mail"].process_email_queue()
            self.assertEqual(sink.messages, [], "nothing goes out in the user's name")
        self.assertEqual(set(comms.mapped("state")), {"failed"})
        self.assertIn("Fournitures Dupont SAS has no email address", comms[0].failure_reason)

    def test_dunning_sender_is_one_address(self):
        with self.assertRaises(ValidationError):
            self.company.dunning_email_from = "recouvrement@dupont.test, compta@dupont.test"
        with self.assertRaises(ValidationError):
            self.company.dunning_email_from = "Service recouvrement"

    def test_broken_template_fails_its_communications_with_the_reason(self):
        broken = self.level_1.mail_template_id.copy(
            {"body_html": '<p>Dear <t t-out="object.partner_id.no_such_field"/></p>'}
        )
        self.policy.level_ids.mail_template_id = broken
        with smtp_server(self.env) as sink:
            comms = self._run(TODAY)
            with freeze_time(TODAY):
                self.env["mail.mail"].process_email_queue()
            self.assertEqual(sink.messages, [])
        self.assertEqual(set(comms.mapped("state")), {"failed"})
        self.assertIn(
            f"The email template {broken.name} could not be rendered", comms[0].failure_reason
        )
        self.assertIn("no_such_field", comms[0].failure_reason)

    def test_each_tone_has_its_own_subject_and_paragraphs(self):
        """One email of each tone to a French and an English customer, as the mail queue
        delivers them: the subject and the paragraphs of the tone, in the customer's language."""
        address = {"street": "3 place Bellecour", "zip": "69002", "city": "Lyon"}
        customers = self.env["res.partner"].create(
            [
                {"name": "Client Ton", "is_company": True, "lang": "fr_FR", **address},
                {"name": "Tone Customer", "is_company": True, "lang": "en_US", **address},
            ]
        )
        customers[0].email, customers[1].email = "ton@client-fr.test", "tone@customer-en.test"
        self.level_2.write({"channel": "email", "payment_deadline_days": 8})
        notice_level = self.level_call.copy(
            {
                "name": "Mise en demeure",
                "channel": "formal_notice",
                "delay_days": 60,
                "sequence": 10,
                "payment_deadline_days": 15,
                "email_copy": True,
            }
        )
        tones = {  # tone: (level, due date of its invoice)
            "courtesy": (self.level_courtesy, date(2026, 3, 5)),
            "first": (self.level_1, date(2026, 2, 15)),
            "firm": (self.level_2, date(2026, 2, 1)),
            "formal_notice": (notice_level, date(2025, 12, 15)),
        }
        invoices = self._invoices(
            [(customer, due, 500.0) for customer in customers for _level, due in tones.values()]
        )
        Comm = self.env["account.dunning.communication"].sudo()
        comms = Comm
        for index, invoice in enumerate(invoices):
            tone = list(tones)[index % len(tones)]
            level = tones[tone][0]
            comms |= Comm.create(
                {
                    "name": f"DUN/TONE/{index}",
                    "company_id": self.company.id,
                    "date": TODAY,
                    "partner_id": invoice.partner_id.id,
                    "recipient_id": invoice.partner_id.id,
                    "level_id": level.id,
                    "channel": level.channel,
                    "currency_id": invoice.currency_id.id,
                    "line_ids": [
                        Command.create(
                            {
                                "move_id": invoice.id,
                                "move_name": invoice.name,
                                "invoice_date": invoice.invoice_date,
                                "date_due": invoice.invoice_date_due,
                                "days_overdue": (TODAY - invoice.invoice_date_due).days,
                                "currency_id": invoice.currency_id.id,
                                "amount_total": invoice.amount_total,
                                "amount_due": invoice.amount_residual,
                                "level_id": level.id,
                            }
                        )
                    ],
                }
            )
        self.assertEqual(comms.mapped("document_kind"), list(tones) * 2)
        comms.write({"state": "to_send"})
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        with smtp_server(self.env) as sink:
            with freeze_time(TODAY):
                comms.with_env(self.env)._send()
                self.env["mail.mail"].process_email_queue()
            messages = sink.wait_for(len(comms))
        by_subject = {_flat(message["Subject"]): body_text(message) for message in messages}
        company = "Fournitures Dupont SAS"
        expected = {
            ("fr_FR", "courtesy"): (
                "%s : échéance prochaine (%s)",
                ["Vous trouverez notre rappel en pièce jointe."],
            ),
            ("fr_FR", "first"): (
                "%s : relance de paiement %s",
                ["Vous trouverez notre rappel en pièce jointe."],
            ),
            ("fr_FR", "firm"): (
                "%s : dernière relance avant mise en demeure %s",
                [
                    "Paiement demandé au plus tard le {deadline}.",
                    "Vous trouverez notre courrier en pièce jointe.",
                ],
            ),
            ("fr_FR", "formal_notice"): (
                "%s : mise en demeure de payer %s",
                [
                    "Date limite de paiement : {deadline}.",
                    "Vous trouverez ci-joint une copie de notre mise en demeure de payer, qui vous "
                    "est également adressée par lettre recommandée avec demande d'avis de "
                    "réception.",
                ],
            ),
            ("en_US", "courtesy"): (
                "%s: upcoming due date (%s)",
                ["Please find our reminder attached."],
            ),
            ("en_US", "first"): ("%s: payment reminder %s", ["Please find our reminder attached."]),
            ("en_US", "firm"): (
                "%s: final reminder before formal notice %s",
                ["Payment requested by {deadline}.", "Please find our letter attached."],
            ),
            ("en_US", "formal_notice"): (
                "%s: formal notice to pay %s",
                [
                    "Deadline to pay: {deadline}.",
                    "Please find attached a copy of our formal notice to pay (mise en demeure), "
                    "also sent to you by registered letter.",
                ],
            ),
        }
        others = {sentence for _subject, sentences in expected.values() for sentence in sentences}
        for comm in comms:
            lang, tone = comm.recipient_id.lang, comm.document_kind
            subject, sentences = expected[lang, tone]
            deadline = _flat(format_date(self.env, comm.document_deadline_date, lang_code=lang))
            with self.subTest(lang=lang, tone=tone):
                body = by_subject.get(subject % (company, comm.name))
                self.assertIsNotNone(body, f"subject of the {tone} tone in {lang}")
                for sentence in sentences:
                    self.assertIn(sentence.format(deadline=deadline), body)
                for sentence in others - set(sentences):
                    self.assertNotIn(
                        sentence.format(deadline=deadline), body, "no paragraph of another tone"
                    )
