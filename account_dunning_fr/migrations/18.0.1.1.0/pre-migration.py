# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""The credit hold and its reason became company-dependent (a hold decided by one company does
not block the invoices of another): their plain columns become jsonb values keyed by company,
every company keeping what was decided so far."""

from odoo.tools import SQL

COLUMNS = ("dunning_credit_hold", "dunning_credit_hold_reason")


def migrate(cr, version):
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = 'res_partner' AND column_name IN %s AND data_type != 'jsonb'""",
        [COLUMNS],
    )
    columns = [column for (column,) in cr.fetchall()]
    if not columns:
        return
    cr.execute("SELECT id FROM res_company ORDER BY id")
    company_ids = [company_id for (company_id,) in cr.fetchall()]
    for column in columns:
        value = SQL("to_jsonb(%s)", SQL.identifier(column))
        per_company = SQL(", ").join(
            SQL("%s, %s", str(company_id), value) for company_id in company_ids
        )
        cr.execute(
            SQL(
                """ALTER TABLE res_partner ALTER COLUMN %(column)s DROP DEFAULT,
                   ALTER COLUMN %(column)s TYPE jsonb
                   USING CASE WHEN %(column)s IS NOT NULL AND %(column)s::text NOT IN ('false', 'f')
                         THEN jsonb_build_object(%(per_company)s) END""",
                column=SQL.identifier(column),
                per_company=per_company,
            )
        )
