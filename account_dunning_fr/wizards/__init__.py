from . import (
    account_dunning_aged_balance,
    account_dunning_call,
    account_dunning_communication_cancel,
    account_dunning_communication_post,
    account_dunning_d441_wizard,
    account_dunning_dashboard,
    account_dunning_followup,
    account_dunning_statement_wizard,
    account_dunning_worklist_reschedule,
)
