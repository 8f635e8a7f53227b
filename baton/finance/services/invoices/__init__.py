"""Writes for invoices, credit notes and payments, split by responsibility: drafts by hand (`drafts.py`), drafts
from time, a fixed fee or a retainer (`draft_from.py`), issuing, voiding and credit notes (`issuing.py`), payments
(`payments.py`); what they share in `_common.py`. Import from `baton.finance.services`.

- Drafts come from tracked time (un-invoiced billable entries up to the period's end, by default everything up to
  today; approved time only unless asked, the unapproved minutes left out kept on the draft; grouped into lines whose
  amount is the sum of their entries' `bill_amount`, plus billable expenses), from a fixed fee (in full or by
  milestone), from a retainer period, or by hand. A draft reserves its time and expenses; deleting or voiding it
  releases them.
- Totals: line amount (by hand) = quantity x unit price rounded to cents half up; subtotal = Σ line amounts;
  tax = subtotal x tax_rate / 100 rounded to cents half up; total = subtotal + tax.
- Issuing assigns the next number of the workspace's gapless sequence (`INV-00001`, credit notes `CN-00001`): the
  counter row is locked with select_for_update inside the issuing transaction, so concurrent issues queue, and a
  rolled-back issue gives its number back. Its time entries and expenses are marked invoiced.
- Payments: partial payments add up; the invoice is paid when payments plus issued credit notes cover its total.
  Balance = total - payments - issued credit notes, negative when a credit note leaves a refund owed to the client;
  a refund is a negative payment (at most the refund owed).
- Sending (`sending.py`): an issued invoice's PDF e-mailed to every billing contact with an e-mail (one message each,
  through core.client_view.client_mail, after the commit); `emailed_at` set, `invoice.emailed` emitted (relationships
  records the touchpoint). Issuing and sending are separate steps.
- Void: an unpaid invoice without payments or credit notes; its time goes back to un-invoiced. A paid invoice is
  corrected with a credit note (negative lines, at most what is left to credit).
"""

from baton.finance.services.invoices._common import line_amount, recompute, totals_of
from baton.finance.services.invoices.draft_from import (
    invoice_draft_from_fee,
    invoice_draft_from_retainer,
    invoice_draft_from_time,
    left_out_text,
)
from baton.finance.services.invoices.drafts import DRAFT_FIELDS, invoice_create, invoice_delete, invoice_update
from baton.finance.services.invoices.issuing import (
    ISSUED,
    NUMBER_PREFIX,
    PAYMENT_TERMS_DAYS,
    credit_note_create,
    invoice_issue,
    invoice_void,
    left_to_credit,
    next_number,
)
from baton.finance.services.invoices.payments import payment_record
from baton.finance.services.invoices.sending import billing_contacts, invoice_issue_and_send, invoice_send

__all__ = [
    "DRAFT_FIELDS",
    "ISSUED",
    "NUMBER_PREFIX",
    "PAYMENT_TERMS_DAYS",
    "billing_contacts",
    "credit_note_create",
    "invoice_create",
    "invoice_delete",
    "invoice_draft_from_fee",
    "invoice_draft_from_retainer",
    "invoice_draft_from_time",
    "invoice_issue",
    "invoice_issue_and_send",
    "invoice_send",
    "invoice_update",
    "invoice_void",
    "left_out_text",
    "left_to_credit",
    "line_amount",
    "next_number",
    "payment_record",
    "recompute",
    "totals_of",
]
