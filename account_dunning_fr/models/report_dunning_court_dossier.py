# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from .account_move import OPEN_PAYMENT_STATES
from .dunning_documents import partner_identifiers

# Claims up to this amount may go through the simplified procedure (CPCE L125-1).
SIMPLIFIED_PROCEDURE_LIMIT = 5000.0


class ReportDunningCourtDossier(models.AbstractModel):
    """Dossier for an order for payment (injonction de payer, CPC 1405 ff.): the parties, the
    claim and its breakdown, the invoices, the dated history of the reminders and formal notices
    with their proof of receipt, the supporting documents, and the court to address."""

    _name = "report.account_dunning_fr.report_dunning_court_dossier"
    _description = "Court Dossier Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        # A dossier for a French court, worded in the language of the user who prints it.
        report = self.with_context(lang=self.env.user.lang or self.env.lang)
        env = report.env
        data = data or {}
        company = env["res.company"].browse(data.get("company_id")) or env.company
        as_of = fields.Date.to_date(data.get("date")) or fields.Date.context_today(self)
        partners = env["res.partner"].browse(docids).commercial_partner_id
        dossiers = report._get_dossiers(partners, company, as_of)
        missing = partners.filtered(lambda partner: not dossiers[partner.id]["invoices"])
        if missing:
            raise UserError(
                env._(
                    "No overdue invoice to claim from %(customers)s: there is nothing to bring "
                    "before a court.",
                    customers=", ".join(missing.mapped("display_name")),
                )
            )
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "as_of": as_of,
            "dossiers": dossiers,
            "creditor_identifiers": partner_identifiers(env, company.partner_id),
            "legal": company._dunning_get_wording(),
        }

    @api.model
    def _get_dossiers(self, partners, company, as_of):
        """{partner id: dossier dict}, in batch: one search for the invoices, one for the
        communications, one penalty computation."""
        invoices = self.env["account.move"].search(
            [
                ("commercial_partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", OPEN_PAYMENT_STATES),
                ("invoice_date_due", "<", as_of),
            ],
            order="invoice_date_due, name",
        )
        penalties = invoices._dunning_get_penalties(as_of)
        # Only what really went out: sent, an email accepted by the mail queue.
        communications = self.env["account.dunning.communication"].search(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
                ("state", "=", "sent"),
                "|",
                ("channel", "!=", "email"),
                ("email_status", "=", "sent"),
            ],
            order="sent_date, id",
        )
        credits_by_partner = dict(
            self.env["account.move.line"]._read_group(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "=", company.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("balance", "<", 0),
                ],
                ["partner_id"],
                ["amount_residual:sum"],
            )
        )
        channels = dict(
            self.env["account.dunning.communication"]
            ._fields["channel"]
            ._description_selection(self.env)
        )
        dossiers = {}
        invoices_by_partner = invoices.grouped("commercial_partner_id")
        comms_by_partner = communications.grouped("partner_id")
        for partner in partners:
            consumer = partner.dunning_customer_kind == "b2c"
            rows = []
            totals = defaultdict(float)
            disputed = self.env["account.move"]
            for move in invoices_by_partner.get(partner, self.env["account.move"]):
                if move.dunning_disputed:
                    disputed |= move
                    continue
                penalty = penalties.get(move.id, {})
                row = {
                    "move": move,
                    "days_late": (as_of - move.invoice_date_due).days,
                    "residual": move.amount_residual,
                    "interest": penalty.get("interest", 0.0),
                    "indemnity": penalty.get("indemnity", 0.0),
                    "interest_note": penalty.get("missing")
                    and self.env["account.dunning.rate"]._get_incomplete_mention(
                        penalty["missing"]
                    ),
                }
                rows.append(row)
                key = "penalties_charged" if move.dunning_is_penalty_invoice else "principal"
                totals[key] += move.amount_residual
                totals["interest"] += row["interest"]
                totals["indemnity"] += row["indemnity"]
            credit = -credits_by_partner.get(partner, 0.0)
            totals["credits"] = credit
            totals["total"] = (
                totals["principal"]
                + totals["penalties_charged"]
                + totals["interest"]
                + totals["indemnity"]
                - credit
            )
            history = []
            documents = [
                self.env._(
                    "Invoice %(number)s of %(date)s",
                    number=row["move"].name,
                    date=format_date(self.env, row["move"].invoice_date),
                )
                for row in rows
            ]
            documents.append(
                self.env._("General terms and conditions of sale accepted by the customer")
            )
            documents.append(
                self.env._("Purchase orders and delivery notes or proofs of performance")
            )
            for comm in comms_by_partner.get(partner, []):
                history.append(
                    {
                        "comm": comm,
                        "channel": channels.get(comm.channel, comm.channel),
                        "date": comm.sent_date or comm.date,
                        "hash": comm.inalterable_hash,
                    }
                )
                if comm.channel in ("letter", "formal_notice"):
                    documents.append(
                        self.env._(
                            "%(document)s %(number)s of %(date)s",
                            document=(
                                self.env._("Formal notice")
                                if comm.channel == "formal_notice"
                                else self.env._("Reminder letter")
                            ),
                            number=comm.name,
                            date=format_date(self.env, comm.sent_date or comm.date),
                        )
                    )
                if comm.receipt_date:
                    documents.append(
                        self.env._(
                            "Acknowledgment of receipt of %(number)s, signed on %(date)s",
                            number=comm.name,
                            date=format_date(self.env, comm.receipt_date),
                        )
                    )
            dossiers[partner.id] = {
                "consumer": consumer,
                "identifiers": partner_identifiers(self.env, partner),
                "invoices": rows,
                "disputed": disputed,
                "totals": dict(totals),
                "history": history,
                "documents": documents,
                "court": self._get_court(partner, consumer),
                "simplified_procedure": totals["total"] <= SIMPLIFIED_PROCEDURE_LIMIT,
                "formal_notice_sent": any(h["comm"].channel == "formal_notice" for h in history),
            }
        return dossiers

    @api.model
    def _get_court(self, partner, consumer):
        """The court of the debtor's domicile competent for the order for payment, and the
        form to file: commercial court between traders, judicial court otherwise."""
        city = partner.city or self.env._("(city of the debtor's domicile)")
        if consumer:
            return {
                "name": self.env._("Judicial court (tribunal judiciaire) of %(city)s", city=city),
                "form": self.env._("Cerfa form no. 12948 (request for an order for payment)"),
            }
        return {
            "name": self.env._("Commercial court (tribunal de commerce) of %(city)s", city=city),
            "form": self.env._("Cerfa form no. 12946 (request for an order for payment)"),
        }
