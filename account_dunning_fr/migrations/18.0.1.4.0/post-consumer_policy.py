# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""Consumers get a policy of their own: each company without a default consumer policy gets
the shipped one, chosen for its consumers that have no policy of their own (until now they
followed the default professional policy)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    companies = env["res.company"].search([])
    companies._dunning_create_default_policy()
    for company in companies:
        env["account.move"]._dunning_update_next_dates(company)
