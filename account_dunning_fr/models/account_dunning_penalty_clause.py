# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .late_interest import semester_start

# Article L441-10 II: a contract may set another rate, never below 3 x the legal interest rate.
LEGAL_FLOOR_MULTIPLE = 3.0
# The statutory default: ECB rate + 10 points. It is not a contractual rate: no floor.
STATUTORY_MARGIN = 10.0
LEGAL_RATE_KIND = {"individual": "legal_individual", "other": "legal_other"}


class AccountDunningPenaltyClause(models.Model):
    """Late-payment terms agreed with customers: the interest rate and the recovery indemnity."""

    _name = "account.dunning.penalty.clause"
    _inherit = ["account.dunning.bounds.mixin"]
    _description = "Late-Payment Penalty Clause"
    _order = "company_id, sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    consumer = fields.Boolean(
        string="Consumer Clause",
        help="For consumers: no recovery indemnity, and interest at the legal rate only from "
        "the formal notice (Code civil, article 1344-1).",
    )
    rate_mode = fields.Selection(
        [
            ("ecb_margin", "ECB rate + margin"),
            ("legal_multiple", "Multiple of the legal interest rate"),
            ("fixed", "Fixed annual rate"),
        ],
        required=True,
        default="ecb_margin",
        help="ECB rate + 10 points is the statutory rate (L441-10). Any other rate is "
        "contractual and never applies below three times the legal interest rate.",
    )
    # rates, points and multiples: never added up in grouped lists
    margin = fields.Float(
        string="Margin (points)", default=STATUTORY_MARGIN, digits=(16, 4), aggregator=None
    )
    multiple = fields.Float(default=3.0, digits=(16, 4), aggregator=None)
    fixed_rate = fields.Float(string="Annual Rate (%)", digits=(16, 4), aggregator=None)
    creditor_category = fields.Selection(
        [
            ("other", "Other cases (the creditor is a company)"),
            ("individual", "Private individual"),
        ],
        string="Legal Rate Category",
        required=True,
        default="other",
        help="Which legal interest rate applies: the one for private individuals or the one "
        "for other cases. A company creditor uses 'other cases'.",
    )
    indemnity = fields.Boolean(
        string="Recovery Indemnity",
        default=True,
        help="Fixed indemnity for recovery costs per late invoice (D441-5), professionals only.",
    )
    indemnity_amount = fields.Monetary(default=40.0, currency_field="currency_id")
    below_floor_warning = fields.Text(
        compute="_compute_below_floor_warning",
        help="Semesters where the contractual rate is below three times the legal rate: the "
        "legal floor applies instead.",
    )

    @api.constrains("rate_mode", "margin", "multiple", "fixed_rate", "indemnity_amount")
    def _check_values(self):
        for clause in self:
            if min(clause.multiple, clause.fixed_rate, clause.indemnity_amount) < 0 or (
                clause.rate_mode == "legal_multiple" and not clause.multiple
            ):
                raise ValidationError(
                    self.env._(
                        "Penalty clause %(clause)s: rates, multiples and the indemnity must be "
                        "positive.",
                        clause=clause.name,
                    )
                )

    @api.depends("rate_mode", "margin", "multiple", "fixed_rate", "creditor_category", "consumer")
    def _compute_below_floor_warning(self):
        # The table holds two rates per kind and year: pylint: disable-next=no-search-all
        rates = self.env["account.dunning.rate"].search([])
        by_key = {(rate.kind, rate.date_start): rate.rate for rate in rates}
        semesters = sorted({rate.date_start for rate in rates})
        for clause in self:
            low = []
            if clause._is_contractual():
                kind = LEGAL_RATE_KIND[clause.creditor_category]
                for start in semesters:
                    if (kind, start) not in by_key:
                        continue
                    floor = LEGAL_FLOOR_MULTIPLE * by_key[kind, start]
                    raw = clause._raw_rate(lambda k, s=start: by_key.get((k, s)), start)
                    if raw is not None and raw < floor:
                        semester = f"{start.year} H{1 if start.month == 1 else 2}"
                        low.append(
                            self.env._(
                                "%(semester)s: %(rate).2f %% < %(floor).2f %%",
                                semester=semester,
                                rate=raw,
                                floor=floor,
                            )
                        )
            clause.below_floor_warning = "\n".join(low) or False

    @api.model
    def _get_rate_table(self):
        """A function ``(kind, semester start) -> rate`` over all reference rates, loaded in
        one query; None for a rate not entered yet (the computation never guesses)."""
        # The table holds two rates per kind and year: pylint: disable-next=no-search-all
        rates = self.env["account.dunning.rate"].search([])
        by_key = {(rate.kind, rate.date_start): rate.rate for rate in rates}

        def rate_table(kind, start):
            return by_key.get((kind, semester_start(start)))

        return rate_table

    def _is_contractual(self):
        """True when the rate is set by contract (and so subject to the legal floor)."""
        self.ensure_one()
        return not self.consumer and not (
            self.rate_mode == "ecb_margin" and self.margin == STATUTORY_MARGIN
        )

    def _raw_rate(self, rate_of, start):
        """Annual rate of the clause for the semester ``start``, before the legal floor.
        ``rate_of(kind)`` gives a reference rate of that semester (None when missing)."""
        self.ensure_one()
        if self.consumer:
            return rate_of(LEGAL_RATE_KIND[self.creditor_category])
        if self.rate_mode == "ecb_margin":
            ecb = rate_of("ecb")
            return None if ecb is None else ecb + self.margin
        if self.rate_mode == "legal_multiple":
            legal = rate_of(LEGAL_RATE_KIND[self.creditor_category])
            return None if legal is None else legal * self.multiple
        return self.fixed_rate

    def _rate_for_semester(self, rate_table, start):
        """Annual rate applied for the semester ``start``, the legal floor included; None when
        a reference rate it needs is missing (``rate_table(kind, start)`` gives None)."""
        self.ensure_one()
        start = semester_start(start)
        rate = self._raw_rate(lambda kind: rate_table(kind, start), start)
        if rate is not None and self._is_contractual():
            legal = rate_table(LEGAL_RATE_KIND[self.creditor_category], start)
            rate = None if legal is None else max(rate, LEGAL_FLOOR_MULTIPLE * legal)
        return rate

    def _get_rate_description(self):
        """How the rate is stated on invoices, in the language of the environment."""
        self.ensure_one()
        if self.consumer:
            return self.env._("the legal interest rate")
        margin, multiple, rate = (
            f"{value:g}" for value in (self.margin, self.multiple, self.fixed_rate)
        )
        if self.rate_mode == "ecb_margin":
            return self.env._(
                "the European Central Bank's main refinancing rate plus %(margin)s points",
                margin=margin,
            )
        if self.rate_mode == "legal_multiple":
            return self.env._("%(multiple)s times the legal interest rate", multiple=multiple)
        return self.env._(
            "%(rate)s %% per year (never less than three times the legal interest rate)",
            rate=rate,
        )
