from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_addon_installed_with_groups(self):
        module = self.env["ir.module.module"].search([("name", "=", "account_dunning_fr")])
        self.assertEqual(module.state, "installed")
        manager = self.env.ref("account_dunning_fr.group_dunning_manager")
        user = self.env.ref("account_dunning_fr.group_dunning_user")
        self.assertIn(user, manager.implied_ids)
        self.assertIn(manager, self.env.ref("account.group_account_manager").implied_ids)
