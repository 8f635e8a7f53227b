import logging
import os

from django.core.wsgi import get_wsgi_application

from baton.core.warmup import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baton.settings")
application = get_wsgi_application()
# The first request should not wait for the URLconf, the templates and the OpenAPI document (baton/core/warmup.py).
logging.getLogger("baton.wsgi").info("Warmed up in %.1f s.", warm_up())
