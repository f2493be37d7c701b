"""Shared set-up of the document tests: a French company with its wording, signatory and bank
account, a formal-notice level, and communications made as the run would make them. Documents are
rendered through Odoo's HTTP server (HttpCase), with their styles, by tests/documents.py."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase

from .common import DunningCase
from .documents import DocumentCase

IBAN = "FR76 3000 6000 0112 3456 7890 189"

LETTER = "account_dunning_fr.action_report_dunning_letter"
FORMAL_NOTICE = "account_dunning_fr.action_report_dunning_formal_notice"
STATEMENT = "account_dunning_fr.action_report_dunning_statement"
COURT_DOSSIER = "account_dunning_fr.action_report_dunning_court_dossier"
INVOICE = "account.account_invoices"


class DocumentsCase(DocumentCase, DunningCase, HttpCase):
    """DunningCase's company and customers, dressed as a French company, in an HttpCase so that
    wkhtmltopdf loads the report styles from the running server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.company.currency_id = cls.eur
        cls.env["ir.module.module"]._load_module_terms(
            ["account_dunning_fr"], ["fr_FR"], overwrite=True
        )
        cls.company.write(
            {
                "name": "Fournitures Dupont SAS",
                "street": "12 rue de la République",
                "zip": "69002",
                "city": "Lyon",
                "company_registry": "732829320",
                "dunning_signatory_name": "Claire Dupont",
                "external_report_layout_id": cls.env.ref("web.external_layout_standard").id,
            }
        )
        cls.company._dunning_set_default_wording()
        cls.env["res.partner.bank"].create(
            {"acc_number": IBAN, "partner_id": cls.company.partner_id.id}
        )
        cls.customer.write(
            {
                "lang": "fr_FR",
                "street": "3 place Gambetta",
                "zip": "33000",
                "city": "Bordeaux",
                "company_registry": "55210055400012",
            }
        )
        cls.customer_2.write({"lang": "en_US", "city": "Nantes"})
        cls.individual = cls.env["res.partner"].create(
            {
                "name": "Jeanne Morel",
                "email": "jeanne@morel.test",
                "city": "Rennes",
                "lang": "fr_FR",
            }
        )
        cls.level_notice = cls.env["account.dunning.level"].create(
            {
                "policy_id": cls.policy.id,
                "sequence": 5,
                "name": "Mise en demeure",
                "delay_days": 45,
                "channel": "formal_notice",
                "payment_deadline_days": 15,
                "email_copy": True,
                "mail_template_id": cls.env.ref("account_dunning_fr.mail_template_dunning").id,
                "report_id": cls.env.ref(
                    "account_dunning_fr.action_report_dunning_formal_notice"
                ).id,
            }
        )

    @classmethod
    def _comm(cls, level, invoices, when, sent=False):
        """A communication of ``level`` about ``invoices`` as the run would make it on ``when``,
        with the invoices' penalties as of that date."""
        penalties = invoices._dunning_get_penalties(when)
        partner = invoices.commercial_partner_id
        # made by the system only (sudo), as the run makes them
        comm = (
            cls.env["account.dunning.communication"]
            .sudo()
            .create(
                {
                    "name": f"DUN/TEST/{level.id}/{invoices[0].id}",
                    "company_id": cls.company.id,
                    "date": when,
                    "partner_id": partner.id,
                    "recipient_id": partner.id,
                    "level_id": level.id,
                    "channel": level.channel,
                    "currency_id": invoices[0].currency_id.id,
                    "line_ids": [
                        Command.create(
                            {
                                "move_id": inv.id,
                                "move_name": inv.name,
                                "invoice_date": inv.invoice_date,
                                "date_due": inv.invoice_date_due,
                                "days_overdue": (when - inv.invoice_date_due).days,
                                "currency_id": inv.currency_id.id,
                                "amount_total": inv.amount_total,
                                "amount_due": inv.amount_residual,
                                "level_id": level.id,
                                "interest_amount": penalties.get(inv.id, {}).get("interest", 0.0),
                                "indemnity_amount": penalties.get(inv.id, {}).get("indemnity", 0.0),
                            }
                        )
                        for inv in invoices
                    ],
                }
            )
        )
        if sent:
            comm.write({"state": "to_send"})  # validated, then sent
            comm.write({"state": "sent", "sent_date": when})
        return comm.sudo(False)

    @classmethod
    def _pay_invoices(cls, invoices, when, amount=None):
        """Register payments of ``invoices`` on ``when`` (in full unless ``amount``), in one go."""
        with freeze_time(when):
            vals = {"payment_date": when, "group_payment": False}
            if amount is not None:
                vals["amount"] = amount
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoices.ids
            ).create(vals)._create_payments()
