"""The payment plan contract as the customer signs it: an acknowledgment of debt, the accrued
penalties waived or included as chosen on the plan, the payment means, the installments named
apart from the invoices' due dates, "Fait en deux exemplaires à ..., le ...", rendered for real
(wkhtmltopdf) in French."""

from datetime import date
from datetime import timedelta as D

from freezegun import freeze_time
from PIL import Image

from odoo import Command
from odoo.tests import tagged

from .common import TODAY
from .document_common import IBAN, DocumentsCase

PLAN = "account_dunning_fr.action_report_dunning_payment_plan"
BIC = "AGRIFRPP878"


@tagged("post_install", "-at_install")
class TestPaymentPlanContract(DocumentsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.bank_ids[:1].bank_id = cls.env["res.bank"].create(
            {"name": "Crédit Agricole Centre-Est", "bic": BIC}
        )

    def _plan(self, invoices, **vals):
        with freeze_time(TODAY):
            plan = self.env["account.dunning.payment.plan"].create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(invoices.ids)],
                    "installment_count": 3,
                    "first_date": TODAY + D(10),
                    **vals,
                }
            )
            plan.action_generate_installments()
        return plan

    def _accrued(self, invoices):
        """Interest and indemnities accrued on ``invoices`` as of TODAY, as their form shows."""
        with freeze_time(TODAY):
            invoices.invalidate_recordset(["dunning_interest_amount", "dunning_indemnity_amount"])
            return sum(invoices.mapped("dunning_interest_amount")) + sum(
                invoices.mapped("dunning_indemnity_amount")
            )

    def _contract(self, plan):
        with freeze_time(TODAY):
            pdf = self.render(PLAN, plan.ids)
        self.assertLayoutOk(pdf)
        for page in pdf.images():
            with Image.open(page) as image:
                grey = image.convert("L")
                dark = sum(grey.histogram()[:128])
                self.assertGreater(dark / (grey.width * grey.height), 0.005, f"{page} is blank")
        return pdf

    def test_contract_with_penalties_waived(self):
        invoices = self._invoices(
            [(self.customer, date(2026, 1, 15), 1200.0), (self.customer, date(2026, 2, 10), 800.0)]
        )
        plan = self._plan(invoices)
        self.assertEqual(plan.penalty_mode, "waived", "the default")
        accrued = self._accrued(invoices)
        self.assertGreater(accrued, 80.0, "two indemnities of 40 EUR and some interest")
        self.assertAlmostEqual(plan.penalty_amount, accrued)
        self.assertEqual(sum(plan.installment_ids.mapped("amount")), 2000.0, "penalties waived")
        pdf = self._contract(plan)
        self.assertPdfContains(pdf, "Échéancier de paiement et reconnaissance de dette")
        self.assertPdfContains(
            pdf,
            "Boulangerie Martin SARL reconnaît devoir à Fournitures Dupont SAS la somme de "
            "2 000,00 € au titre des factures ci-dessous et déclare ne pas la contester.",
        )
        self.assertPdfContains(pdf, "article 2240 du Code civil")
        self.assertPdfContains(
            pdf,
            "Sous réserve du paiement de chaque échéance à sa date, Fournitures Dupont SAS renonce "
            "aux pénalités de retard et indemnités forfaitaires pour frais de recouvrement échues "
            f"sur ces factures au 02/03/2026, soit {self._fr_amount(accrued)}.",
        )
        self.assertPdfContains(
            pdf, "Les pénalités auxquelles il est renoncé ci-dessus redeviennent alors exigibles."
        )
        self.assertPdfContains(
            pdf,
            f"Par virement bancaire au profit de Fournitures Dupont SAS, IBAN {IBAN}, BIC {BIC}",
        )
        self.assertPdfContains(pdf, f"en indiquant la référence {plan.name}")
        self.assertPdfContains(pdf, "Par chèque à l'ordre de Fournitures Dupont SAS")
        self.assertPdfContains(pdf, "12 rue de la République, 69002 Lyon")
        self.assertPdfContains(pdf, "Fait en deux exemplaires à Lyon, le 02/03/2026.")
        # installments and invoices: two kinds of dates, named apart
        self.assertPdfContains(pdf, "Date d'échéance de la facture")
        self.assertPdfContains(pdf, "15/01/2026")
        for number, installment in enumerate(plan.installment_ids, start=1):
            self.assertPdfContains(pdf, f"Échéance n° {number}")
            self.assertPdfContains(pdf, installment.date.strftime("%d/%m/%Y"))
        self.assertPdfContains(pdf, "s'engage à payer cette somme en 3 échéances")
        self.assertPdfContains(pdf, "dans les 5 jours suivant sa date")
        self.assertPdfNotContains(pdf, "aucune relance")
        self.assertNotIn("relance", pdf.text.lower(), "no internal wording")

    def test_contract_with_penalties_included(self):
        invoices = self._invoices(
            [(self.customer, date(2026, 1, 15), 1200.0), (self.customer, date(2026, 2, 10), 800.0)]
        )
        plan = self._plan(invoices, penalty_mode="included")
        accrued = self._accrued(invoices)
        self.assertAlmostEqual(sum(plan.installment_ids.mapped("amount")), 2000.0 + accrued)
        with freeze_time(TODAY):
            plan.action_activate()
        penalty_invoice = plan.invoice_ids - invoices
        self.assertTrue(penalty_invoice.dunning_is_penalty_invoice, "charged on a penalty invoice")
        self.assertEqual(penalty_invoice.state, "posted")
        self.assertAlmostEqual(penalty_invoice.amount_total, accrued)
        self.assertAlmostEqual(plan.amount_total, 2000.0 + accrued, "the plan's amount")
        self.assertFalse(self._accrued(invoices), "nothing left to charge")
        with freeze_time(TODAY):
            plan.signed_date = TODAY
        pdf = self._contract(plan)
        total = self._fr_amount(2000.0 + accrued)
        self.assertPdfContains(pdf, f"la somme de {total} au titre des factures ci-dessous")
        self.assertPdfContains(
            pdf,
            "Les pénalités de retard et indemnités forfaitaires pour frais de recouvrement échues "
            f"sur ces factures au 02/03/2026, soit {self._fr_amount(accrued)}, sont incluses dans "
            "cette somme et dans les échéances.",
        )
        self.assertPdfContains(pdf, penalty_invoice.name, "listed with the invoices")
        self.assertPdfNotContains(pdf, "renonce")
        self.assertPdfContains(pdf, "Fait en deux exemplaires à Lyon, le 02/03/2026.")
        self.assertPdfContains(pdf, f"Échéance n° {len(plan.installment_ids)}")

    def test_single_installment_without_penalties_nor_bank_account(self):
        self.company.partner_id.bank_ids.unlink()
        inv = self._invoices([(self.customer, TODAY + D(20), 450.0)])  # not due yet
        plan = self._plan(inv, installment_count=1)
        self.assertFalse(plan.penalty_amount)
        with freeze_time(TODAY):
            texts = plan.with_context(lang="fr_FR")._get_contract_texts()
        self.assertEqual(
            texts["schedule"],
            "Boulangerie Martin SARL s'engage à payer cette somme en une seule échéance, à la "
            "date ci-dessous :",
        )
        self.assertEqual(
            texts["penalties"],
            "Aucune pénalité de retard n'était échue sur ces factures au 02/03/2026.",
        )
        self.assertEqual(len(texts["payment_means"]), 1, "by cheque only")
        self.assertIn("Par chèque à l'ordre de Fournitures Dupont SAS", texts["payment_means"][0])

    def _fr_amount(self, amount):
        """``amount`` as the French contract prints it (1 234,56 €)."""
        whole, cents = f"{amount:,.2f}".split(".")
        return f"{whole.replace(',', ' ')},{cents} €"
