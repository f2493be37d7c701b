# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """A language installed after the addon gets the default wording of the letters in
        that language: without it, a French customer's formal notice would speak the English
        of the wording written when the company or the level was created."""
        res = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        new_langs = [lang for lang in langs if lang != "en_US"]
        if "account_dunning_fr" in modules and new_langs:
            # a handful of companies and levels: pylint: disable=no-search-all
            companies = self.env["res.company"].sudo().search([])
            levels = self.env["account.dunning.level"].sudo().with_context(active_test=False)
            levels = levels.search([])
            # pylint: enable=no-search-all
            companies._dunning_translate_default_wording(new_langs)
            levels._translate_default_wording(new_langs)
        return res
