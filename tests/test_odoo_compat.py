"""Odoo's own behaviour is intact with the addon installed: moves the dunning is not about
(journal entries, vendor bills, a draft invoice whose customer is not chosen yet) are read,
searched and printed as without it, with neutral dunning values."""

from odoo import Command
from odoo.tests import tagged

from .common import TODAY, DunningCase

DUNNING_FIELDS = [
    "dunning_legal_mention",
    "dunning_partner_on_hold",
    "dunning_interest_amount",
    "dunning_indemnity_amount",
    "dunning_claim_total",
    "dunning_penalty_error",
    "dunning_days_overdue",
    "dunning_limitation_date",
    "dunning_limitation_warning",
    "dunning_terms_exceed_cap",
]


@tagged("post_install", "-at_install")
class TestOdooCompat(DunningCase):
    def _line(self, amount):
        return Command.create({"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": []})

    def test_draft_invoice_without_customer_reads_and_prints(self):
        draft = self.env["account.move"].create(
            {"move_type": "out_invoice", "invoice_line_ids": [self._line(120.0)]}
        )
        self.assertFalse(draft.partner_id)
        # as the web client and XML-RPC/JSON-RPC clients read it
        [values] = draft.read(DUNNING_FIELDS)
        self.assertFalse(values["dunning_legal_mention"])
        self.assertFalse(values["dunning_partner_on_hold"])
        self.assertEqual(values["dunning_interest_amount"], 0.0)
        self.assertEqual(values["dunning_claim_total"], 120.0)
        found = self.env["account.move"].search_read([("id", "=", draft.id)], DUNNING_FIELDS)
        self.assertEqual(found[0]["dunning_claim_total"], 120.0)
        # the invoice preview (Odoo's test_invoice_report_without_invoice_date does the same)
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "account.report_invoice_with_payments", draft.ids
        )
        self.assertIn("Draft Invoice", html.decode())
        self.assertIn("120.00", html.decode())

    def test_vendor_bill_and_journal_entry_read_with_neutral_values(self):
        vendor = self.env["res.partner"].create({"name": "Fournitures Dupont", "is_company": True})
        vendor.dunning_credit_hold = True  # irrelevant to what we buy from them
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": vendor.id,
                "invoice_date": TODAY,
                "invoice_date_due": TODAY,
                "invoice_line_ids": [self._line(300.0)],
            }
        )
        bill.action_post()
        account = self.company_data["default_account_revenue"]
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": TODAY,
                "line_ids": [
                    Command.create({"account_id": account.id, "debit": 50.0}),
                    Command.create(
                        {
                            "account_id": self.company_data["default_account_expense"].id,
                            "credit": 50.0,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        for move in bill | entry:
            [values] = move.read(DUNNING_FIELDS)
            self.assertFalse(values["dunning_legal_mention"], move.move_type)
            self.assertFalse(values["dunning_partner_on_hold"], move.move_type)
            self.assertFalse(values["dunning_limitation_date"], move.move_type)
            self.assertEqual(values["dunning_indemnity_amount"], 0.0, move.move_type)
        journals = self.env["account.move"].search_read(
            [("id", "in", (bill | entry).ids)], ["name", "dunning_legal_mention"]
        )
        self.assertEqual(len(journals), 2)
