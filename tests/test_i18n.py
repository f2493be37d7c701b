"""French first: every translatable term of the addon has its French translation."""

from pathlib import Path

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestFrenchTranslation(TransactionCase):
    def test_fr_po_is_complete(self):
        i18n = Path(get_module_path("account_dunning_fr")) / "i18n"
        po = polib.pofile(str(i18n / "fr.po"))
        translated = {entry.msgid for entry in po if entry.msgstr and not entry.fuzzy}
        terms = {
            source
            for module, _type, _name, _res_id, source, _value, _comments in TranslationModuleReader(
                self.env.cr, modules=["account_dunning_fr"]
            )
            if module == "account_dunning_fr" and source
        }
        self.assertGreater(len(terms), 100)
        missing = sorted(terms - translated)
        self.assertFalse(
            missing, f"{len(missing)} term(s) without French translation: {missing[:20]}"
        )
        pot = polib.pofile(str(i18n / "account_dunning_fr.pot"))
        self.assertFalse(
            sorted(terms - {entry.msgid for entry in pot})[:20],
            "account_dunning_fr.pot is out of date: export it again",
        )

    def test_french_names_of_the_default_policy(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        company = self.env["res.company"].create({"name": "Société Test"})
        policy = self.env["account.dunning.policy"].search(
            [
                ("company_id", "=", company.id),
                ("is_default", "=", True),
                ("customer_kind", "=", "b2b"),
            ]
        )
        self.assertEqual(policy.with_context(lang="fr_FR").name, "Relance standard")
        self.assertEqual(
            policy._get_levels_in_order()[0].with_context(lang="fr_FR").name,
            "Relance de courtoisie",
        )
        self.assertEqual(policy.with_context(lang="en_US").name, "Standard dunning")

    def test_wording_of_a_language_installed_later(self):
        """French installed after the company and its policy were made: the letters' wording
        becomes French where it still showed the English default, and only there."""
        company = self.env["res.company"].create({"name": "Société Test"})
        level = (
            self.env["account.dunning.policy"]
            .search(
                [
                    ("company_id", "=", company.id),
                    ("is_default", "=", True),
                    ("customer_kind", "=", "b2b"),
                ]
            )
            ._get_levels_in_order()[1]
        )
        english = company.with_context(lang="en_US")
        # as in a database where French came later: its values are the English ones
        self.env["res.lang"]._activate_lang("fr_FR")
        company.with_context(lang="fr_FR").write(
            {
                "dunning_notice_legal_text": english.dunning_notice_legal_text,
                "dunning_registered_mention": "Recommandé, à ma façon",
            }
        )
        level.with_context(lang="fr_FR").letter_intro = level.with_context(
            lang="en_US"
        ).letter_intro
        self.env["ir.module.module"]._load_module_terms(["account_dunning_fr"], ["fr_FR"])
        french = company.with_context(lang="fr_FR")
        self.assertIn("Code de commerce", french.dunning_notice_legal_text)
        self.assertEqual(french.dunning_registered_mention, "Recommandé, à ma façon")
        self.assertIn("Under article L441-10", english.dunning_notice_legal_text)
        self.assertNotEqual(
            level.with_context(lang="fr_FR").letter_intro,
            level.with_context(lang="en_US").letter_intro,
        )
