"""Shared set-up of the credit management tests: users with and without dunning rights."""

import subprocess
import tempfile

from odoo import Command
from odoo.tests.common import new_test_user

from .common import TODAY, DunningCase


class CreditCase(DunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        common = {"company_id": company.id, "company_ids": [Command.set(company.ids)]}
        cls.billing = new_test_user(
            cls.env, login="billing.clerk", groups="account.group_account_invoice", **common
        )
        cls.collector = new_test_user(
            cls.env,
            login="collector.dunning",
            groups="account.group_account_invoice,account_dunning_fr.group_dunning_user",
            **common,
        )
        cls.manager = new_test_user(
            cls.env,
            login="manager.dunning",
            groups="account.group_account_invoice,account_dunning_fr.group_dunning_manager",
            **common,
        )
        cls.insurer = cls.env["res.partner"].create({"name": "Allianz Trade", "is_company": True})

    def _draft_invoice(self, partner, amount, user=None, company=None):
        env = self.env(user=user) if user else self.env
        return (
            env["account.move"]
            .with_company(company or self.company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": TODAY,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
            )
        )

    def _messages(self, record):
        return " ".join(record.message_ids.mapped("body"))

    def _pdf_text(self, report_ref, records):
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report_ref, records.ids)
        )
        with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
            tmp.write(pdf)
            tmp.flush()
            output = subprocess.run(
                ["pdftotext", tmp.name, "-"], capture_output=True, text=True, check=True
            ).stdout
        return " ".join(output.split())
