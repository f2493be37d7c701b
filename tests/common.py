"""Shared set-up of the dunning tests: a company with a small policy, customers, and helpers
that create posted invoices and run the dunning as of a date."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import Form

TODAY = date(2026, 3, 2)


class DunningCase(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        cls.company.email = "compta@dupont.test"  # dunning emails leave from the company
        cls.policy = cls._make_policy(cls.company)
        cls.level_courtesy, cls.level_1, cls.level_2, cls.level_call = cls.policy.level_ids.sorted(
            "sequence"
        )
        # letters and formal notices need a postal address and a signatory to be sent
        cls.company.dunning_signatory_name = "Claire Dupont"
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Boulangerie Martin SARL",
                "is_company": True,
                "email": "compta@martin.test",
                "street": "3 place Gambetta",
                "zip": "33000",
                "city": "Bordeaux",
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Paul Martin", "parent_id": cls.customer.id, "email": "paul@martin.test"}
        )
        cls.customer_2 = cls.env["res.partner"].create(
            {
                "name": "Garage Petit",
                "is_company": True,
                "email": "petit@garage.test",
                "street": "5 quai de la Fosse",
                "zip": "44000",
                "city": "Nantes",
            }
        )

    @classmethod
    def _make_policy(cls, company):
        """A policy of four levels, made the company's default, for its consumers too (the
        shipped consumer policy is no longer a default)."""
        cls.env["account.dunning.policy"].search(
            [
                ("company_id", "=", company.id),
                ("customer_kind", "=", "b2c"),
                ("is_default", "=", True),
            ]
        ).is_default = False
        return cls.env["account.dunning.policy"].create(
            {
                "name": "Test policy",
                "company_id": company.id,
                "is_default": True,
                "level_ids": [
                    Command.create(
                        {
                            "sequence": 1,
                            "name": "Courtesy",
                            "delay_days": -3,
                            "channel": "email",
                            "auto_send": True,
                            "min_gap_days": 0,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 2,
                            "name": "Reminder 1",
                            "delay_days": 10,
                            "channel": "email",
                            "auto_send": True,
                            "min_gap_days": 5,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 3,
                            "name": "Reminder 2",
                            "delay_days": 20,
                            "channel": "letter",
                            "auto_send": False,
                            "min_gap_days": 10,
                            "credit_hold": True,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 4,
                            "name": "Call",
                            "delay_days": 30,
                            "channel": "phone",
                            "auto_send": True,
                            "min_gap_days": 5,
                        }
                    ),
                ],
            }
        )

    @classmethod
    def _invoices(cls, specs, company=None, move_type="out_invoice"):
        """Posted invoices from (partner, due date, amount[, currency]) tuples, in one create."""
        company = company or cls.company
        journal = cls.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
        )
        vals_list = []
        for spec in specs:
            partner, due, amount = spec[:3]
            currency = spec[3] if len(spec) > 3 else company.currency_id
            vals_list.append(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "journal_id": journal.id,
                    "currency_id": currency.id,
                    "invoice_date": due - timedelta(days=30),
                    "date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Services", "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
            )
        moves = cls.env["account.move"].with_company(company).create(vals_list)
        moves.action_post()
        return moves

    def _pay(self, invoice, amount, when):
        with freeze_time(when):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"amount": amount, "payment_date": when})._create_payments()

    def _run(self, when, company=None, mail_queue=True):
        """Run the dunning of ``company`` as of ``when`` (frozen), as the daily job would, then
        (``mail_queue``) the mail queue, which sends its emails the same day."""
        company = company or self.company
        with freeze_time(when):
            Run = self.env["account.dunning.run"].with_company(company)
            run = Run.search([("company_id", "=", company.id), ("date", "=", when)]) or Run.create(
                {"company_id": company.id, "date": when}
            )
            before = run.communication_ids
            run.action_compute()
            if mail_queue:
                self._process_mail_queue()
            return run.communication_ids - before

    def _process_mail_queue(self, when=None):
        """Odoo's mail queue sends what is queued (on ``when``, frozen, if given): a dunning
        email is sent, its communication with it, only then. Outside ``smtp_server()`` Odoo
        under test reports each email sent without connecting."""
        if when:
            with freeze_time(when):
                return self._process_mail_queue()
        return self.env["mail.mail"].sudo().process_email_queue()

    def _mark_posted(self, comms, when=None, number="1A 234 567 8901 2"):
        """*Mark as Posted* on ``comms`` through its dialog: posted on ``when`` (default
        today), each letter numbered ``number``. Returns the dialog's record."""
        action = comms.action_mark_posted()
        wizard_model = self.env[action["res_model"]].with_context(**action["context"])
        with Form(wizard_model) as form:
            if when:
                form.posting_date = when
            for index in range(len(form.line_ids)):
                with form.line_ids.edit(index) as line:
                    line.registered_letter_number = number
        wizard = form.save()
        wizard.action_confirm()
        return wizard

    def _comm_of(self, comms, invoice):
        return comms.filtered(lambda comm: invoice in comm.line_ids.move_id)

    def _sent_formal_notice(self, invoice, sent, receipt=None):
        """A formal notice about ``invoice``, sent on ``sent`` (proof of receipt ``receipt``)."""
        level = self.level_call.copy(
            {
                "name": "Mise en demeure",
                "channel": "formal_notice",
                "delay_days": 60,
                "sequence": 10,
            }
        )
        # made by the system only (sudo), as the run makes them
        notice = (
            self.env["account.dunning.communication"]
            .sudo()
            .create(
                {
                    "name": f"MED-{invoice.id}",
                    "company_id": invoice.company_id.id,
                    "date": sent,
                    "partner_id": invoice.commercial_partner_id.id,
                    "level_id": level.id,
                    "channel": "formal_notice",
                    "currency_id": invoice.currency_id.id,
                    "line_ids": [
                        Command.create(
                            {
                                "move_id": invoice.id,
                                "move_name": invoice.name,
                                "currency_id": invoice.currency_id.id,
                                "amount_due": invoice.amount_residual,
                            }
                        )
                    ],
                }
            )
        )
        notice.write({"state": "to_send"})  # validated, then sent
        notice.write({"state": "sent", "sent_date": sent, "receipt_date": receipt})
        return notice.sudo(False)
