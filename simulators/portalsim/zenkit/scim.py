"""An organization's SCIM 2.0 service (scim2-server) and the API's error answers.

Imported when an organization first needs its service (a SCIM request, a snapshot), not when
the simulators start: scim2-models builds dozens of pydantic models as it is imported, and
the provider below builds more, which was half of `guidegen sim`'s start-up, while no page
needs them until something speaks SCIM.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus

from scim2_models import SCIMException, ScimProvider
from scim2_server.applications.wsgi import send_response
from scim2_server.memory import InMemoryStorage
from scim2_server.responses import ScimResponse
from scim2_server.service import ScimService
from scim2_server.testserver.application import BEARER_TOKEN_SCHEME, BearerTokenApplication
from scim2_server.utils import (
    load_default_resource_types,
    load_default_schemas,
    load_default_service_provider_config,
)


def _provider() -> ScimProvider:
    config = load_default_service_provider_config()
    # Announcing the scheme makes 401 answers carry a WWW-Authenticate header.
    config.authentication_schemes = [*(config.authentication_schemes or []), BEARER_TOKEN_SCHEME]
    return ScimProvider.from_discovery(
        load_default_schemas().values(), load_default_resource_types().values(), config=config
    )


PROVIDER = _provider()


def service(secret: str, token: str) -> BearerTokenApplication:
    """An in-memory SCIM service that accepts `token` as its bearer token."""
    return BearerTokenApplication(
        InMemoryStorage(), PROVIDER, service=ScimService(PROVIDER, secret=secret),
        bearer_tokens=[token],
    )


def error(status: HTTPStatus, problem: SCIMException, start_response: Callable) -> Iterable[bytes]:
    """The SCIM error answer for one of scim2-models' exceptions."""
    return send_response(ScimResponse(status, problem.to_error().model_dump()), start_response)
