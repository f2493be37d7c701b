"""The update to 18.0.1.4.0 on a database of the previous version: the dispute comment joins
the dispute note."""

import importlib.util
from pathlib import Path

from odoo.modules.module import get_module_path
from odoo.tests import tagged
from odoo.tools import SQL

from .common import TODAY, DunningCase


def _migration(script):
    path = Path(get_module_path("account_dunning_fr")) / "migrations/18.0.1.4.0" / script
    spec = importlib.util.spec_from_file_location(f"dunning_1_4_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigration14(DunningCase):
    def test_dispute_comment_becomes_the_first_line_of_the_note(self):
        invoices = self._invoices([(self.customer, TODAY, 100.0 + i) for i in range(4)])
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("ALTER TABLE account_move ADD COLUMN dunning_dispute_reason varchar")
        for invoice, reason, note in zip(
            invoices,
            ("Wrong quantity", "Two pallets damaged", None, "Late delivery"),
            (None, "Photos sent on 2 March", "Price disputed", "Late delivery"),
            strict=True,
        ):
            cr.execute(
                SQL(
                    "UPDATE account_move SET dunning_dispute_reason = %s, "
                    "dunning_dispute_note = %s WHERE id = %s",
                    reason,
                    note,
                    invoice.id,
                )
            )
        _migration("pre-migration.py").migrate(cr, "18.0.1.3.0")
        self.env.invalidate_all()
        self.assertEqual(
            invoices.mapped("dunning_dispute_note"),
            [
                "Wrong quantity",
                "Two pallets damaged\nPhotos sent on 2 March",
                "Price disputed",
                "Late delivery",
            ],
        )
