"""Sign-in with an OpenID Connect provider (Google, Microsoft, Okta, Keycloak, ...) on mozilla-django-oidc.

mozilla-django-oidc does the protocol (state, nonce, PKCE, the code exchange, the ID token's signature against the
provider's keys); Baton adds the provider's discovery document (so one issuer URL configures it), checks the ID
token's issuer and audience, and decides who may come in: the provider must say the e-mail is verified
(`email_verified` true), and it must be the login of a person who is active in some workspace. Nobody is created,
an archived person is refused, and a refusal says why on the login page. The sign-in then ends where a password
sign-in does (`signin.complete_sign_in`), including the second factor unless `OIDC_SATISFIES_TWO_FACTOR`.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from baton.core.models import User
from baton.core.signin import complete_sign_in

log = logging.getLogger(__name__)

REFUSAL = "baton_oidc_refusal"  # the reason a sign-in was refused, left on the request for the callback view
# mozilla-django-oidc setting -> the discovery document's key
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def enabled() -> bool:
    return bool(settings.OIDC_CLIENT_ID and (settings.OIDC_ISSUER or settings.OIDC_DISCOVERY_URL))


def discovery_url() -> str:
    return settings.OIDC_DISCOVERY_URL or f"{settings.OIDC_ISSUER}/.well-known/openid-configuration"


@cache
def _discover(url: str) -> dict[str, Any]:
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    return document


def provider() -> dict[str, Any]:
    """The provider's discovery document, read once per process (a failure is not remembered)."""
    document = _discover(discovery_url())
    if settings.OIDC_ISSUER and str(document.get("issuer", "")).rstrip("/") != settings.OIDC_ISSUER:
        raise ImproperlyConfigured(f"The discovery document at {discovery_url()} names another issuer.")
    return document


def oidc_setting(attr: str, *args: Any) -> Any:
    """mozilla-django-oidc's settings, with the endpoints from discovery and Baton's names for the client."""
    if attr in DISCOVERED and not hasattr(settings, attr):
        return provider()[DISCOVERED[attr]]
    if attr == "OIDC_RP_CLIENT_ID":
        return settings.OIDC_CLIENT_ID
    if attr == "OIDC_RP_CLIENT_SECRET":
        return settings.OIDC_CLIENT_SECRET
    return import_from_settings(attr, *args)


def _verified(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


CALLBACK_MARK = "_baton_oidc_callback"


class BatonOIDCBackend(OIDCAuthenticationBackend):
    """Answers only inside the callback view (which marks its request), so a password form never reaches the provider,
    and reads its settings only then (a password sign-in costs no discovery). The session is then kept by the e-mail
    backend like any other (`signin.SESSION_BACKEND`)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.UserModel = User

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if request is None or getattr(request, CALLBACK_MARK, False) is not True or not enabled():
            return None
        self.OIDC_OP_TOKEN_ENDPOINT = oidc_setting("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = oidc_setting("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = oidc_setting("OIDC_OP_JWKS_ENDPOINT", None)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def refuse(self, reason: str) -> None:
        setattr(self.request, REFUSAL, reason)

    def _verify_jws(self, payload: Any, key: Any) -> Any:
        """As mozilla-django-oidc does (the header's algorithm must be ours, `aud` is checked in `verify_token`), with
        OIDC_CLOCK_LEEWAY_SECONDS of skew allowed between the provider's clock and ours: without it a token issued a
        second "in the future" by the provider's clock is refused (PyJWT checks `iat`), so sign-in fails at random."""
        algorithm = jwt.get_unverified_header(payload).get("alg")
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"The provider algorithm {algorithm!r} does not match OIDC_SIGN_ALGO.")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[algorithm],
                options={"verify_aud": False},
                leeway=settings.OIDC_CLOCK_LEEWAY_SECONDS,
            )
        except jwt.DecodeError as exc:
            raise SuspiciousOperation("JWS token verification failed.") from exc

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        try:
            payload = super().verify_token(token, **kwargs)
        except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError) as exc:  # the two servers' clocks disagree
            self.refuse(
                "The sign-in provider's token has expired or is not valid yet by this server's clock. Try again; if it "
                "keeps happening, the server's or the provider's clock is wrong. You can log in with your password."
            )
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc
        if "nonce" in kwargs:  # the ID token: it must come from our issuer, for us (OIDC Core 3.1.3.7)
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            issuer = str(payload.get("iss", "")).rstrip("/")
            if settings.OIDC_CLIENT_ID not in audiences:
                raise SuspiciousOperation("The ID token is for another client.")
            if issuer != str(provider().get("issuer", "")).rstrip("/"):
                raise SuspiciousOperation("The ID token comes from another issuer.")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        if info.get("sub") not in (None, payload.get("sub")):
            raise SuspiciousOperation("The user info is about someone else than the ID token.")
        for claim in ("email", "email_verified"):
            if claim not in info and claim in payload:
                info[claim] = payload[claim]
        return info

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        email = str(claims.get("email") or "")
        if not email:
            self.refuse("The provider did not share your e-mail address, so Baton cannot tell who you are.")
            return False
        if not _verified(claims.get("email_verified")):
            self.refuse(
                f"Your e-mail address {email} is not verified at your sign-in provider, so Baton cannot match it to a "
                "person. Verify it there, or log in with your password."
            )
            return False
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        """Only the login of a person active in some workspace (an archived person's membership is inactive)."""
        email = str(claims.get("email") or "")
        users = User.objects.filter(email__iexact=email, is_active=True, memberships__is_active=True).distinct()
        if not users.exists():
            self.refuse(f"No active person in Baton has the e-mail {email}. Ask an admin to add you.")
        return users

    def get_user(self, user_id: Any) -> User | None:
        return None  # never a session backend (see the class docstring)


class BatonOIDCRequestView(OIDCAuthenticationRequestView):
    """`/oidc/authenticate/`: off (404) unless configured; a provider that cannot be reached says so on the login."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)  # the endpoints are read in get()

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
            self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        except (requests.RequestException, ValueError, KeyError, ImproperlyConfigured) as exc:
            log.warning("OpenID provider discovery failed: %s", exc)
            messages.error(request, "The sign-in provider cannot be reached just now. Log in with your password.")
            return HttpResponseRedirect(settings.LOGIN_REDIRECT_URL_FAILURE)
        response: HttpResponse = super().get(request)
        return response


class BatonOIDCCallbackView(OIDCAuthenticationCallbackView):
    """`/oidc/callback/`: the provider sends the person back here; matched, they finish signing in like a password
    sign-in; refused, the login page says why."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        setattr(request, CALLBACK_MARK, True)
        try:
            response: HttpResponse = super().get(request)
        except (requests.RequestException, SuspiciousOperation, ValueError, KeyError, ImproperlyConfigured) as exc:
            log.warning("OpenID sign-in failed: %s", exc)
            return self.login_failure()
        return response

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, REFUSAL, None)
        messages.error(self.request, reason or f"{settings.OIDC_BUTTON_LABEL} did not complete. Try again.")
        return HttpResponseRedirect(self.failure_url)

    def login_success(self) -> HttpResponse:
        next_url = self.request.session.pop("oidc_login_next", None) or ""
        return complete_sign_in(self.request, self.user, method="oidc", next_url=next_url)
