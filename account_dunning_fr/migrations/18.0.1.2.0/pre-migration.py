# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""The exclusion from dunning and the hand-over (litigation state, date, reference, who
handles it) became company-dependent, as the credit hold did in 18.0.1.1.0: a company deciding
about a customer shared by several companies no longer decides for the others. Their plain
columns become jsonb values keyed by company, every company keeping what was decided so far."""

from odoo.tools import SQL

COLUMNS = (
    "dunning_excluded",
    "dunning_litigation_state",
    "dunning_litigation_date",
    "dunning_litigation_ref",
    "dunning_litigation_partner_id",
)


def migrate(cr, version):
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = 'res_partner' AND column_name IN %s AND data_type != 'jsonb'""",
        [COLUMNS],
    )
    columns = [column for (column,) in cr.fetchall()]
    if not columns:
        return
    # A company-dependent many2one has no foreign key (the value is a jsonb id).
    cr.execute(
        """SELECT con.conname
             FROM pg_constraint con
             JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = ANY(con.conkey)
            WHERE con.conrelid = 'res_partner'::regclass AND con.contype = 'f'
              AND att.attname IN %s""",
        [tuple(columns)],
    )
    for (constraint,) in cr.fetchall():
        cr.execute(SQL("ALTER TABLE res_partner DROP CONSTRAINT %s", SQL.identifier(constraint)))
        cr.execute("DELETE FROM ir_model_constraint WHERE name = %s", [constraint])
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
