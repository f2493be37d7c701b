"""The update to 18.0.1.4.0 on a database of the previous version: the four shipped email
templates give way to the one of every tone, the dispute comment joins the dispute note."""

import importlib.util
from pathlib import Path

from odoo.modules.module import get_module_path
from odoo.tests import tagged
from odoo.tools import SQL

from .common import TODAY, DunningCase

OLD_TEMPLATES = ("courtesy", "reminder", "firm", "formal_notice")


def _migration(script):
    path = Path(get_module_path("account_dunning_fr")) / "migrations/18.0.1.4.0" / script
    spec = importlib.util.spec_from_file_location(f"dunning_1_4_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigration14(DunningCase):
    def test_levels_move_to_the_template_of_every_tone_and_the_four_go(self):
        template = self.env.ref("account_dunning_fr.mail_template_dunning")
        # the previous version's four templates, shipped as noupdate records
        old = self.env["mail.template"]
        for name in OLD_TEMPLATES:
            old |= template.copy({"name": f"Dunning: {name}"})
        self.env["ir.model.data"].create(
            [
                {
                    "module": "account_dunning_fr",
                    "name": f"mail_template_dunning_{name}",
                    "model": "mail.template",
                    "res_id": record.id,
                    "noupdate": True,
                }
                for name, record in zip(OLD_TEMPLATES, old, strict=True)
            ]
        )
        own = template.copy({"name": "Our own reminder"})
        # the firm one was edited by the user after its installation
        old.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE mail_template SET write_date = create_date + interval '3 days' WHERE id = %s",
                old[2].id,
            )
        )
        old.invalidate_recordset(["write_date"])
        edited_level = self.level_call
        edited_level.mail_template_id = old[2]
        self.level_courtesy.mail_template_id = old[0]
        self.level_1.mail_template_id = old[1]
        self.level_2.mail_template_id = own
        notice = self.level_call.copy(
            {
                "sequence": 9,
                "delay_days": 45,
                "channel": "formal_notice",
                "mail_template_id": old[3].id,
            }
        )
        _migration("post-migration.py").migrate(self.env.cr, "18.0.1.3.0")
        self.assertEqual(self.level_courtesy.mail_template_id, template)
        self.assertEqual(self.level_1.mail_template_id, template)
        self.assertEqual(notice.mail_template_id, template)
        self.assertEqual(self.level_2.mail_template_id, own, "a user's template stays")
        self.assertEqual(old.exists(), old[2], "the shipped templates are gone, not one edited")
        self.assertEqual(edited_level.mail_template_id, old[2], "an edited template stays in use")
        for name in ("courtesy", "reminder", "formal_notice"):
            self.assertFalse(
                self.env.ref(f"account_dunning_fr.mail_template_dunning_{name}", False)
            )
        _migration("post-migration.py").migrate(self.env.cr, "18.0.1.3.0")  # twice: no harm
        self.assertTrue(template.exists())

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
