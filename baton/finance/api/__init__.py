"""The finance API: budgets and the scope log, change orders, expenses, invoices, quotes and the profitability and
budget-burn reports (rate cards and exchange rates: `baton.rates.api`). One router per resource, assembled here."""

from ninja import Router

from baton.finance.api.accounting import router as accounting_router
from baton.finance.api.bank import router as bank_router
from baton.finance.api.budgets import router as budgets_router
from baton.finance.api.change_orders import router as change_orders_router
from baton.finance.api.einvoice import router as einvoice_router
from baton.finance.api.expenses import router as expenses_router
from baton.finance.api.invoices import router as invoices_router
from baton.finance.api.quotes import router as quotes_router
from baton.finance.api.recurring import router as recurring_router
from baton.finance.api.reports import router as reports_router
from baton.finance.api.scope_reviews import router as scope_reviews_router

router = Router()
router.add_router("", bank_router)
router.add_router("", budgets_router)
router.add_router("", change_orders_router)
router.add_router("", expenses_router)
router.add_router("", invoices_router)
router.add_router("", quotes_router)
router.add_router("", recurring_router)
router.add_router("", reports_router)
router.add_router("", scope_reviews_router)
router.add_router("", einvoice_router)
router.add_router("", accounting_router)
