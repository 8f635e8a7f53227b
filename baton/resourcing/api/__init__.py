"""`/api/v1/bookings`, `/time-off`, `/capacity-periods`, `/holidays`, `/resourcing/settings`, availability, the
resourcing reports and staffing suggestions. One router per responsibility, assembled here in the paths' order."""

from ninja import Router

from baton.resourcing.api.bookings import router as bookings_router
from baton.resourcing.api.calendar_feeds import router as calendar_feeds_router
from baton.resourcing.api.capacity import router as capacity_router
from baton.resourcing.api.reports import UtilizationRow
from baton.resourcing.api.reports import router as reports_router
from baton.resourcing.api.time_off import router as time_off_router

__all__ = ["UtilizationRow", "router"]

router = Router()
router.add_router("", bookings_router)
router.add_router("", time_off_router)
router.add_router("", capacity_router)
router.add_router("", reports_router)
router.add_router("", calendar_feeds_router)
