"""The fonts of the documents are the project's: printed through Odoo's HTTP server, a dunning
letter embeds the Lato web font of Odoo's report styles, and any other font is one the project
fixes (Odoo's own web fonts, or DejaVu installed by bin/_lib.sh)."""

import re
import subprocess
import tempfile
from datetime import timedelta as D

from odoo.tests import HttpCase, tagged

from .common import TODAY, DunningCase

# Odoo's report web fonts (Lato, its Noto unicode fallback, FontAwesome icons), then DejaVu
PROJECT_FONTS = re.compile(r"Lato|Noto|FontAwesome|DejaVu", re.IGNORECASE)


@tagged("post_install", "-at_install")
class TestReportFonts(DunningCase, HttpCase):
    def _fonts(self, pdf):
        """(name, embedded) of each font of ``pdf``, as pdffonts lists them."""
        with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
            tmp.write(pdf)
            tmp.flush()
            out = subprocess.run(
                ["pdffonts", tmp.name], capture_output=True, text=True, check=True
            ).stdout
        fonts = []
        for line in out.splitlines()[2:]:  # after the header and its underline
            columns = line.split()
            # name type... encoding emb sub uni object generation: emb is the 5th from the end
            fonts.append((columns[0], columns[-5] == "yes"))
        return fonts

    def test_letter_embeds_the_report_web_font(self):
        self._invoices([(self.customer, TODAY - D(40), 500.0)])
        for day in (0, 5, 15):
            comms = self._run(TODAY + D(day))
        letter = comms.filtered(lambda comm: comm.channel == "letter")
        self.assertTrue(letter, "the third level is a letter")
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account_dunning_fr.report_dunning_letter", letter.ids)
        )
        fonts = self._fonts(pdf)
        names = [name for name, _embedded in fonts]
        self.assertTrue(
            any("Lato" in name for name in names),
            f"the report styles were loaded from the server: Lato expected in {names}",
        )
        self.assertTrue(all(embedded for _name, embedded in fonts), f"all embedded: {fonts}")
        self.assertEqual(
            [name for name in names if not PROJECT_FONTS.search(name)],
            [],
            "no font of the machine outside the project's set",
        )
