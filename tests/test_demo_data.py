"""The demo builder (devtools/build_demo.py, run by bin/demo) on a fresh company."""

import sys
from datetime import date, timedelta
from pathlib import Path

from freezegun import freeze_time
from stdnum.fr import siren as stdnum_siren

from odoo.tests import TransactionCase, tagged

try:
    from devtools.build_demo import build_demo
except ImportError:  # pytest launched as a script: the repository root is not on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from devtools.build_demo import build_demo

TODAY = date(2026, 11, 22)


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    def _new_company(self, name):
        return self.env["res.company"].create(
            {"name": name, "country_id": self.env.ref("base.fr").id}
        )

    def _counts(self, company):
        return {
            model: self.env[model].with_context(active_test=False).search_count(domain)
            for model, domain in (
                ("res.partner", [("company_id", "=", company.id)]),
                ("product.product", [("company_id", "=", company.id)]),
                ("account.move", [("company_id", "=", company.id)]),
                ("account.payment", [("company_id", "=", company.id)]),
            )
        }

    def _build_and_check(self, chart_template):
        company = self._new_company(f"Démo {chart_template}")
        with freeze_time(TODAY):
            result = build_demo(
                self.env, today=TODAY, chart_template=chart_template, company=company
            )
            self.assertTrue(result["created"])
            self.assertEqual(result["company"], company)
            self.assertEqual(company.chart_template, chart_template)
            self.assertEqual(company.currency_id, self.env.ref("base.EUR"))
            self.assertEqual(company.country_id.code, "FR")
            self.assertTrue(company.company_registry)
            self.assertTrue(self.env["res.lang"]._lang_get("fr_FR").active)
            self.assertEqual(company.partner_id.lang, "fr_FR")

            customers = result["customers"]
            self.assertTrue(18 <= len(customers) <= 22, len(customers))
            self.assertTrue(all(customers.mapped(lambda p: p.company_id == company)))
            companies = customers.filtered("is_company")
            with_siren = companies.filtered(
                lambda p: p.company_registry
                and len(p.company_registry) == 9
                and stdnum_siren.is_valid(p.company_registry)
            )
            self.assertGreaterEqual(len(with_siren), 15)
            consumers = customers - companies
            self.assertEqual(len(consumers), 1)
            self.assertFalse(consumers.parent_id)
            self.assertTrue(consumers.email)
            self.assertTrue(
                companies.filtered(lambda p: not p.email and not p.child_ids.filtered("email")),
                "at least one company has no email address at all",
            )

            contacts = result["contacts"]
            self.assertTrue(contacts)
            self.assertTrue(all(contacts.mapped(lambda c: c.parent_id.is_company)))
            invoice_contacts = contacts.filtered(lambda c: c.type == "invoice")
            self.assertEqual(len(invoice_contacts), 1)
            self.assertTrue(invoice_contacts.email)
            self.assertNotEqual(invoice_contacts.email, invoice_contacts.parent_id.email)

            invoices = result["invoices"]
            self.assertTrue(95 <= len(invoices) <= 105, len(invoices))
            self.assertEqual(set(invoices.mapped("state")), {"posted"})
            self.assertEqual(set(invoices.mapped("move_type")), {"out_invoice"})
            self.assertEqual(invoices.company_id, company)
            self.assertEqual(invoices.commercial_partner_id, customers)
            dues = invoices.mapped("invoice_date_due")
            self.assertGreaterEqual(min(dues), TODAY - timedelta(days=150))
            self.assertLessEqual(max(dues), TODAY + timedelta(days=30))
            self.assertLess(min(dues), TODAY - timedelta(days=120), "due dates spread")
            self.assertGreater(max(dues), TODAY, "some invoices are not due yet")
            self.assertLessEqual(max(invoices.mapped("invoice_date")), TODAY)

            partial = invoices.filtered(lambda m: m.payment_state == "partial")
            self.assertGreaterEqual(len(partial), 5)
            self.assertEqual(partial, result["partial_invoices"])
            for move in partial:
                self.assertTrue(0 < move.amount_residual < move.amount_total)
            self.assertTrue(result["paid_invoices"])
            self.assertTrue(invoices.filtered(lambda m: m.payment_state == "not_paid"))

            credit_notes = result["credit_notes"]
            self.assertEqual(len(credit_notes), 1)
            self.assertEqual(credit_notes.move_type, "out_refund")
            self.assertEqual(credit_notes.state, "posted")
            self.assertEqual(credit_notes.payment_state, "not_paid", "left unreconciled")

            if "dunning_disputed" in invoices._fields:
                disputed = invoices.filtered("dunning_disputed")
                self.assertEqual(disputed, result["disputed"])
                self.assertEqual(len(disputed), 1)
                self.assertTrue(disputed.dunning_dispute_date)
                self.assertTrue(disputed.dunning_dispute_note)
                self.assertLess(disputed.invoice_date_due, TODAY)
                self.assertEqual(disputed.payment_state, "not_paid")

            before = self._counts(company)
            again = build_demo(
                self.env, today=TODAY, chart_template=chart_template, company=company
            )
            self.assertFalse(again["created"])
            self.assertEqual(self._counts(company), before)
            self.assertEqual(again["invoices"], invoices)
            self.assertEqual(again["customers"], customers)
        return result

    def test_demo_generic_chart(self):
        """What bin/test's database allows: the generic chart on a new company."""
        self._build_and_check("generic_coa")

    def test_demo_french_chart(self):
        """What bin/demo builds: the French chart (needs l10n_fr_account)."""
        module = self.env["ir.module.module"].search([("name", "=", "l10n_fr_account")])
        if module.state != "installed":
            self.skipTest(
                "l10n_fr_account is not installed in this database (bin/test installs only "
                "account_dunning_fr): the French chart is exercised by bin/demo --no-serve"
            )
        result = self._build_and_check("fr")
        company = result["company"]
        self.assertTrue(company.vat.startswith("FR"))
        self.assertTrue(company.siret)
        self.assertTrue(all(result["customers"].filtered("is_company").mapped("siret")))
