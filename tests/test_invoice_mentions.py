"""Invoice mentions (C. com. L441-9): the early-payment discount terms beside the penalty and
40 EUR mentions, and penalty invoices outside the scope of VAT, with the ground, payable on
receipt. Read on the invoice PDF as the customer gets it (French)."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .document_common import INVOICE, DocumentsCase

NO_DISCOUNT = "Pas d'escompte pour paiement anticipé."


@tagged("post_install", "-at_install")
class TestInvoiceMentions(DocumentsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.discount_term = cls.env["account.payment.term"].create(
            {
                "name": "30 jours, escompte 2 % à 10 jours",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})
                ],
            }
        )

    def test_discount_terms_beside_the_penalty_mentions(self):
        plain = self._invoices([(self.customer, date(2026, 3, 31), 1200.0)])
        discounted = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": date(2026, 3, 2),
                "invoice_payment_term_id": self.discount_term.id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Services", "quantity": 1, "price_unit": 500.0, "tax_ids": []}
                    )
                ],
            }
        )
        discounted.action_post()
        french = (plain | discounted).with_context(lang="fr_FR")
        mention_plain, mention_discounted = (
            french[0].dunning_legal_mention,
            french[1].dunning_legal_mention,
        )
        self.assertIn("L441-10", mention_plain)
        self.assertIn("40", mention_plain)
        self.assertTrue(mention_plain.endswith(NO_DISCOUNT), mention_plain)
        self.assertNotIn("Pas d'escompte", mention_discounted)
        self.assertIn(
            "Escompte pour paiement anticipé : 2,00 % en cas de paiement dans les 10 jours "
            "suivant la date de la facture, soit au plus tard le 12/03/2026.",
            mention_discounted,
        )
        self.assertIn("L441-10", mention_discounted, "the penalty mention is still there")
        pdf = self.render(INVOICE, (plain | discounted).ids)
        self.assertLayoutOk(pdf)
        self.assertPdfContains(pdf, NO_DISCOUNT)
        self.assertPdfContains(pdf, "Escompte pour paiement anticipé : 2,00 %")
        self.assertPdfContains(pdf, "soit au plus tard le 12/03/2026")
        self.assertPdfContains(pdf, "pénalités de retard")
        self.assertPdfContains(pdf, "D441-5")

    def test_penalty_invoice_outside_vat_payable_on_receipt(self):
        # A payment term of 45 days on the customer: the penalty invoice ignores it.
        self.customer.property_payment_term_id = self.env.ref("account.account_payment_term_45days")
        inv = self._invoices([(self.customer, date(2026, 1, 31), 1200.0)])
        with freeze_time("2026-03-02"):
            penalty = self.env["account.dunning.penalty.charge"]._create_penalty_invoices(
                inv, date(2026, 3, 2)
            )
            penalty.action_post()
        self.assertEqual(penalty.invoice_date, date(2026, 3, 2))
        self.assertEqual(penalty.invoice_date_due, date(2026, 3, 2), "due on receipt")
        self.assertEqual(
            penalty.invoice_payment_term_id, self.env.ref("account.account_payment_term_immediate")
        )
        self.assertFalse(penalty.invoice_line_ids.tax_ids)
        self.assertEqual(penalty.amount_tax, 0.0)
        mention = penalty.with_context(lang="fr_FR").dunning_legal_mention
        self.assertIn("TVA non applicable", mention)
        self.assertIn("hors du champ d'application de la TVA", mention)
        self.assertIn("Payable à réception", mention)
        self.assertNotIn("pénalités de retard sont exigibles", mention, "no penalties on penalties")
        pdf = self.render(INVOICE, penalty.ids)
        self.assertLayoutOk(pdf)
        self.assertPdfContains(pdf, "TVA non applicable")
        self.assertPdfContains(pdf, "ne sont pas la contrepartie d'une livraison de biens")
        self.assertPdfContains(pdf, "hors du champ d'application de la TVA")
        self.assertPdfContains(pdf, "Payable à réception")
        self.assertPdfContains(pdf, "Payment terms: Immediate Payment")
