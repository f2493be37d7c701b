# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).

from odoo import models


class ReportDunningFormalNotice(models.AbstractModel):
    """Values of the formal notices (same as the letters')."""

    _name = "report.account_dunning_fr.report_dunning_formal_notice"
    _inherit = "report.account_dunning_fr.report_dunning_letter"
    _description = "Formal Notice Report"
