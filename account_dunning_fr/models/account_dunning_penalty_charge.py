# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from .dunning_insolvency import is_frozen_claim

PENALTY_ORIGIN_NAMES = 3  # invoice numbers named in a penalty invoice's source


class AccountDunningPenaltyCharge(models.Model):
    """What a posted penalty invoice charged for one late invoice: the interest up to a date
    and the recovery indemnity. Later computations deduct it, so nothing is charged twice.
    Also the charging itself: the penalty invoices (``_create_penalty_invoices``) and the
    checks and records of their posting, called by ``account.move``."""

    _name = "account.dunning.penalty.charge"
    _description = "Charged Late-Payment Penalty"
    _order = "move_id, date_to, id"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move", string="Late Invoice", required=True, index=True, ondelete="restrict"
    )
    penalty_move_id = fields.Many2one(
        "account.move", string="Penalty Invoice", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="penalty_move_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="penalty_move_id.currency_id", store=True)
    date_from = fields.Date(string="Interest From")
    date_to = fields.Date(string="Interest Charged Until", required=True)
    interest_amount = fields.Monetary(currency_field="currency_id")
    indemnity_amount = fields.Monetary(currency_field="currency_id")

    @api.model
    def _get_charged(self, moves):
        """{move id: (interest charged until, indemnity charged)} for the late invoices
        ``moves``, by posted penalty invoices (not reversed)."""
        groups = self._read_group(
            [("move_id", "in", moves.ids), ("penalty_move_id.payment_state", "!=", "reversed")],
            ["move_id"],
            ["date_to:max", "indemnity_amount:sum"],
        )
        return {move.id: (date_to, bool(indemnity)) for move, date_to, indemnity in groups}

    @api.model
    def _create_penalty_invoices(self, late_moves, as_of):
        """Draft penalty invoices (one per customer, company and currency) charging the interest
        and indemnities of ``late_moves`` not charged yet. No VAT: penalties are outside its
        scope. Posting them records what was charged."""
        penalties = self.env["account.dunning.penalty.clause"]._get_penalties(late_moves, as_of)
        groups = defaultdict(list)
        for move in late_moves:
            penalty = penalties.get(move.id)
            partner = move.commercial_partner_id
            if is_frozen_claim(
                partner.dunning_insolvency_state,
                partner.dunning_insolvency_judgment_date,
                move.invoice_date,
            ):
                continue  # declared in the insolvency proceedings, never invoiced
            if penalty and (penalty["interest"] > 0 or penalty["indemnity"] > 0):
                groups[move.company_id, move.commercial_partner_id, move.currency_id].append(move)
        if not groups:
            raise UserError(self.env._("There is no late-payment interest or indemnity to charge."))
        immediate = self.env.ref("account.account_payment_term_immediate", raise_if_not_found=False)
        immediate = (
            immediate if immediate and immediate.active else self.env["account.payment.term"]
        )
        vals_list = []
        for (company, partner, currency), moves in groups.items():
            interest_product = company.dunning_interest_product_id
            indemnity_product = company.dunning_indemnity_product_id
            if not interest_product or not indemnity_product:
                raise UserError(
                    self.env._(
                        "Set the products of late-payment interest and recovery indemnity of "
                        "%(company)s in Accounting > Configuration > Settings.",
                        company=company.name,
                    )
                )
            lines = []
            lang = partner.lang or self.env.lang
            for move in moves:
                penalty = penalties[move.id]
                due, date_from, date_to = (
                    format_date(self.env, day, lang_code=lang)
                    for day in (move.invoice_date_due, penalty["interest_from"], penalty["date_to"])
                )
                common = {
                    "quantity": 1,
                    "tax_ids": [Command.clear()],
                    "dunning_penalty_source_id": move.id,
                }
                if penalty["interest"] > 0:
                    lines.append(
                        Command.create(
                            {
                                **common,
                                "product_id": interest_product.id,
                                "name": self.env._(
                                    "Late-payment interest on %(invoice)s (due %(due)s), from "
                                    "%(date_from)s to %(date_to)s",
                                    invoice=move.name,
                                    due=due,
                                    date_from=date_from,
                                    date_to=date_to,
                                ),
                                "price_unit": penalty["interest"],
                                "dunning_penalty_kind": "interest",
                                "dunning_penalty_date_from": penalty["interest_from"],
                                "dunning_penalty_date_to": penalty["date_to"],
                            }
                        )
                    )
                if penalty["indemnity"] > 0:
                    name = self.env._(
                        "Fixed recovery indemnity, invoice %(invoice)s (D441-5)",
                        invoice=move.name,
                    )
                    if currency != company.currency_id:  # 40 EUR, at the rate of the due date
                        name += " " + self.env._(
                            "(%(amount)s converted at the due date)",
                            amount=format_amount(
                                self.env, penalty["indemnity_company"], company.currency_id
                            ),
                        )
                    lines.append(
                        Command.create(
                            {
                                **common,
                                "product_id": indemnity_product.id,
                                "name": name,
                                "price_unit": penalty["indemnity"],
                                "dunning_penalty_kind": "indemnity",
                                "dunning_penalty_date_to": penalty["date_to"],
                            }
                        )
                    )
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "currency_id": currency.id,
                    "invoice_date": as_of,
                    # Payable on receipt: no payment term of the customer applies.
                    "invoice_payment_term_id": immediate.id,
                    "invoice_date_due": as_of,
                    "invoice_origin": self._get_penalty_origin(moves),
                    "dunning_is_penalty_invoice": True,
                    "invoice_line_ids": lines,
                }
            )
        Move = self.env["account.move"].with_context(default_move_type="out_invoice")
        return Move.create(vals_list)

    @api.model
    def _get_penalty_origin(self, moves):
        """Source of a penalty invoice: its first invoices, then how many more (its lines name
        each one); a list of forty invoice numbers would fill the invoice's header."""
        names = [move.name for move in moves]
        if len(names) <= PENALTY_ORIGIN_NAMES:
            return ", ".join(names)
        return self.env._(
            "%(names)s and %(count)s more",
            names=", ".join(names[:PENALTY_ORIGIN_NAMES]),
            count=len(names) - PENALTY_ORIGIN_NAMES,
        )

    @api.model
    def _get_penalty_lines(self, penalty_moves):
        """The lines of ``penalty_moves`` charging a late invoice."""
        return penalty_moves.invoice_line_ids.filtered("dunning_penalty_source_id")

    @api.model
    def _check_not_charged_twice(self, penalty_moves):
        """Refuse to post penalty invoices charging again what another posted penalty invoice
        charged (interest up to its date, or the indemnity) of a late invoice."""
        lines = self._get_penalty_lines(penalty_moves)
        if not lines:
            return
        charged = self._get_charged(lines.dunning_penalty_source_id)
        seen = set()
        for line in lines:
            source = line.dunning_penalty_source_id
            until, indemnity_charged = charged.get(source.id, (None, False))
            key = (source.id, line.dunning_penalty_kind)
            twice = key in seen or (
                line.dunning_penalty_kind == "indemnity"
                and indemnity_charged
                or line.dunning_penalty_kind == "interest"
                and until
                and line.dunning_penalty_date_from
                and line.dunning_penalty_date_from <= until
            )
            if twice:
                kinds = dict(line._fields["dunning_penalty_kind"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "%(penalty)s: the %(kind)s of invoice %(invoice)s has already been "
                        "charged by another posted penalty invoice. Create a new penalty "
                        "invoice instead.",
                        penalty=line.move_id.name or line.move_id.display_name,
                        kind=kinds[line.dunning_penalty_kind].lower(),
                        invoice=source.name,
                    )
                )
            seen.add(key)

    @api.model
    def _record_charges(self, penalty_moves):
        """Record what the posted ``penalty_moves`` charged, per late invoice."""
        vals = defaultdict(lambda: {"interest_amount": 0.0, "indemnity_amount": 0.0})
        for line in self._get_penalty_lines(penalty_moves):
            key = (line.move_id.id, line.dunning_penalty_source_id.id)
            entry = vals[key]
            entry["date_to"] = line.dunning_penalty_date_to
            if line.dunning_penalty_kind == "interest":
                entry["interest_amount"] += line.price_subtotal
                entry["date_from"] = line.dunning_penalty_date_from
            else:
                entry["indemnity_amount"] += line.price_subtotal
        # Written by posting only: users cannot edit what was charged.
        self.sudo().create(
            [
                {"penalty_move_id": penalty_id, "move_id": source_id, **entry}
                for (penalty_id, source_id), entry in vals.items()
            ]
        )

    @api.model
    def _remove_charges(self, penalty_moves):
        """Forget what ``penalty_moves``, reset to draft, charged."""
        self.sudo().search([("penalty_move_id", "in", penalty_moves.ids)]).unlink()
