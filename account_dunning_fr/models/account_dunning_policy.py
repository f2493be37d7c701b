# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .account_dunning_level import LEVEL_REFERENCES
from .dunning_references import count_references, describe_references


class AccountDunningPolicy(models.Model):
    """A dunning policy: the ordered levels a customer's unpaid invoices climb through."""

    _name = "account.dunning.policy"
    _inherit = ["account.dunning.bounds.mixin"]
    _description = "Dunning Policy"
    _order = "company_id, sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    customer_kind = fields.Selection(
        [("b2b", "Professionals (B2B)"), ("b2c", "Consumers (B2C)")],
        required=True,
        default="b2b",
        help="Customers the policy is meant for. The default consumer policy of a company "
        "applies to its consumers without a policy of their own, the default professional "
        "policy to the other customers (and to consumers when there is no default consumer "
        "policy). Consumers owe no 40 EUR recovery indemnity and interest only runs from the "
        "formal notice.",
    )
    is_default = fields.Boolean(
        string="Default Policy",
        help="Used for the customers of this company, of the policy's kind, that have no "
        "policy of their own.",
    )
    level_ids = fields.One2many("account.dunning.level", "policy_id", string="Levels", copy=True)
    level_count = fields.Integer(compute="_compute_level_count")
    note = fields.Html(translate=True)

    _sql_constraints = [
        (
            "one_default_per_company",
            "EXCLUDE (company_id WITH =, customer_kind WITH =) WHERE (is_default AND active)",
            "A company can have only one active default dunning policy per kind of customer.",
        ),
    ]

    @api.depends("level_ids")
    def _compute_level_count(self):
        for policy in self:
            policy.level_count = len(policy.level_ids)

    @api.constrains("level_ids", "active")
    def _check_levels(self):
        for policy in self:
            if policy.active and not policy.level_ids:
                raise ValidationError(
                    self.env._(
                        "The dunning policy %(policy)s needs at least one level.",
                        policy=policy.name,
                    )
                )
            policy.level_ids._check_delay_order()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("is_default"):
                self._unset_defaults(
                    vals.get("company_id") or self.env.company.id,
                    vals.get("customer_kind") or "b2b",
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("is_default") or (vals.get("customer_kind") and "is_default" not in vals):
            for policy in self.filtered(lambda policy: vals.get("is_default", policy.is_default)):
                self._unset_defaults(
                    vals.get("company_id") or policy.company_id.id,
                    vals.get("customer_kind") or policy.customer_kind,
                    keep=self,
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        # its levels would go with it (database cascade): what refers to them keeps the policy
        levels = self.with_context(active_test=False).level_ids
        counts = count_references(
            self.env, {level.id: level.policy_id.id for level in levels}, LEVEL_REFERENCES
        )
        for policy in self.filtered(lambda policy: counts.get(policy.id)):
            raise UserError(
                self.env._(
                    "The dunning policy %(policy)s was used by %(references)s: it cannot be "
                    "deleted. Archive it instead.",
                    policy=policy.name,
                    references=describe_references(self.env, counts[policy.id]),
                )
            )

    def _unset_defaults(self, company_id, customer_kind, keep=None):
        """A new default policy replaces the company's previous one of the same kind."""
        previous = self.search(
            [
                ("company_id", "=", company_id),
                ("customer_kind", "=", customer_kind),
                ("is_default", "=", True),
            ]
        )
        (previous - (keep or self.browse())).write({"is_default": False})
        self.flush_model(["is_default"])

    def _get_levels_in_order(self):
        """Levels of the policy, lowest first (by sequence, then delay)."""
        self.ensure_one()
        return self.level_ids.sorted(lambda level: (level.sequence, level.delay_days, level.id))

    @api.model
    def _get_default_for_companies(self, companies, customer_kind="b2b"):
        """Default policy of ``customer_kind`` per company id, in one query."""
        policies = self.search(
            [
                ("is_default", "=", True),
                ("customer_kind", "=", customer_kind),
                ("company_id", "in", companies.ids),
            ]
        )
        return {policy.company_id.id: policy for policy in policies}

    @api.model
    def _partner_policy_sql(self, company, alias="p"):
        """SQL expression of the policy that applies in ``company`` to the commercial partner
        of table alias ``alias``: its own policy in the company, else the company's default
        policy of its kind (a consumer without a default consumer policy: the default
        professional one). The one place that decides which policy applies to a customer."""
        self.env["res.partner"].flush_model(["dunning_policy_id", "dunning_customer_kind"])
        defaults = {
            kind: self._get_default_for_companies(company, kind).get(company.id)
            for kind in ("b2b", "b2c")
        }
        return SQL(
            """COALESCE((%(policy)s ->> %(company)s)::int,
                        CASE WHEN %(kind)s = 'b2c' THEN %(b2c)s::int END,
                        %(b2b)s::int)""",
            policy=SQL.identifier(alias, "dunning_policy_id"),
            kind=SQL.identifier(alias, "dunning_customer_kind"),
            company=str(company.id),
            b2c=defaults["b2c"].id if defaults["b2c"] else None,
            b2b=defaults["b2b"].id if defaults["b2b"] else None,
        )

    @api.model
    def _get_partner_policies(self, partners, company):
        """{commercial partner id: policy} that applies in ``company`` to ``partners``, as
        ``_partner_policy_sql`` decides it, in one query."""
        rows = self.env.execute_query(
            SQL(
                "SELECT p.id, %(policy)s FROM res_partner p WHERE p.id = ANY(%(ids)s)",
                policy=self._partner_policy_sql(company, "p"),
                ids=partners.commercial_partner_id.ids,
            )
        )
        return {partner_id: self.browse(policy_id) for partner_id, policy_id in rows}
