# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_penalty_clause_id = fields.Many2one(
        related="company_id.dunning_penalty_clause_id", readonly=False
    )
    dunning_consumer_clause_id = fields.Many2one(
        related="company_id.dunning_consumer_clause_id", readonly=False
    )
    dunning_interest_product_id = fields.Many2one(
        related="company_id.dunning_interest_product_id", readonly=False
    )
    dunning_indemnity_product_id = fields.Many2one(
        related="company_id.dunning_indemnity_product_id", readonly=False
    )
    dunning_send_batch_size = fields.Integer(
        related="company_id.dunning_send_batch_size", readonly=False
    )
    dunning_background_threshold = fields.Integer(
        related="company_id.dunning_background_threshold", readonly=False
    )
    dunning_aged_bucket_limits = fields.Char(
        related="company_id.dunning_aged_bucket_limits", readonly=False
    )
