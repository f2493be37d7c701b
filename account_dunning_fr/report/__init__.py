from . import (
    account_dunning_worklist,
    report_dunning_claim_declaration,
    report_dunning_court_dossier,
    report_dunning_d441,
    report_dunning_formal_notice,
    report_dunning_letter,
    report_dunning_statement,
)
