"""The base classes of every API input schema: each input rule once, for every app.

- `StrictSchema` (query parameters and bodies): every date lies in the accepted range (`core.validators`), a number is
  never given as `true`/`false` (pydantic's lax mode would store `true` as 1), and text never holds a NUL byte
  (SQLite stores it, PostgreSQL refuses it): each a 422 naming the field.
- `InputSchema` (every POST/PUT/PATCH body, and every schema nested in one) adds: a field the operation does not take
  is refused, as an "unknown field", or a "read-only field" when Baton computes it (`id`, `created_at`,
  `spent_minutes`...), instead of being silently ignored.
- `Day`, `Money`: the shared field types for a date parameter outside a schema and for a money input.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, ClassVar

from ninja import Schema
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    ModelWrapValidatorHandler,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from baton.core.money import PLACES_MESSAGE, finer_than_cents
from baton.core.validators import DATE_RANGE_MESSAGE, date_in_range

ALWAYS_READ_ONLY = frozenset({"id", "created_at", "updated_at", "archived_at"})
_NUMBERS = (int, float, Decimal)


def _leaves(annotation: Any) -> Iterator[Any]:
    """The plain types a field annotation accepts at its top level (unions and Annotated unwrapped)."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        yield from _leaves(typing.get_args(annotation)[0])
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _leaves(arg)
    else:
        yield annotation


@cache
def _takes_number_not_bool(annotation: Any) -> bool:
    leaves = list(_leaves(annotation))
    return bool not in leaves and any(isinstance(t, type) and issubclass(t, _NUMBERS) for t in leaves)


def _items_of(annotation: Any, value: Any) -> Iterator[tuple[Any, Any]]:
    """(element annotation, element) pairs of a list or dict value whose annotation is list[X] or dict[K, X]."""
    for leaf in _leaves(annotation):
        origin, args = typing.get_origin(leaf), typing.get_args(leaf)
        if origin in (list, tuple, set, frozenset) and isinstance(value, list | tuple) and args:
            yield from ((args[0], item) for item in value)
        elif origin is dict and isinstance(value, dict) and len(args) == 2:
            yield from ((args[1], item) for item in value.values())


def _bool_as_number(annotation: Any, value: Any) -> bool:
    if isinstance(value, bool):
        return _takes_number_not_bool(annotation)
    return any(_bool_as_number(a, item) for a, item in _items_of(annotation, value))


@cache
def _takes_model(annotation: Any) -> bool:
    """True when the annotation holds a schema (directly or as list/dict items): that schema checks its own text."""
    for leaf in _leaves(annotation):
        if isinstance(leaf, type) and issubclass(leaf, BaseModel):
            return True
        if any(_takes_model(arg) for arg in typing.get_args(leaf)):
            return True
    return False


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _date_outside(value: Any) -> bool:
    if isinstance(value, date):
        return not date_in_range(value)
    if isinstance(value, dict):
        return any(_date_outside(v) for v in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_date_outside(v) for v in value)
    return False


def _answering(info: ValidationInfo) -> bool:
    """True when ninja validates a response: a schema that is also one (a template's field list) renders what Baton
    stored as it is."""
    return isinstance(info.context, dict) and "response_status" in info.context


class StrictSchema(Schema):
    """Query parameters and bodies: dates in range, no `true` for a number, no NUL byte in text (422 naming each)."""

    @field_validator("*", mode="wrap")
    @classmethod
    def _strict_value(cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        if _answering(info):
            return handler(value)
        field = cls.model_fields.get(info.field_name or "")
        annotation: Any = field.annotation if field is not None else None
        if annotation is not None and _bool_as_number(annotation, value):
            raise PydanticCustomError("bool_not_number", "Send a number here, not true or false.")
        if _has_nul(value) and (annotation is None or not _takes_model(annotation)):
            raise PydanticCustomError("nul_character", "Text cannot contain a NUL character (\\u0000).")
        result = handler(value)
        if _date_outside(result):
            raise PydanticCustomError("date_out_of_range", DATE_RANGE_MESSAGE)
        return result


def _unknown_field_error(name: str, read_only: bool) -> PydanticCustomError:
    if read_only:
        return PydanticCustomError(
            "read_only_field", "Read-only field: Baton sets {name}; leave it out of the request.", {"name": name}
        )
    return PydanticCustomError("unknown_field", "Unknown field: this operation does not take {name}.", {"name": name})


def _as_custom(error: Any) -> InitErrorDetails:
    """A pydantic error, kept with its type, message and place, in a form that can be raised again."""
    message = str(error["msg"]).replace("{", "{{").replace("}", "}}")
    return InitErrorDetails(
        type=PydanticCustomError(str(error["type"]), message), loc=tuple(error["loc"]), input=error.get("input")
    )


class InputSchema(StrictSchema):
    """A request body (or a part of one): a field it does not declare is refused (422 naming it) with every other
    bad field. `__read_only_fields__` is filled from the operations' responses (`api_support.mark_read_only`), so a
    field Baton computes is named as read-only rather than unknown."""

    model_config = ConfigDict(json_schema_extra={"additionalProperties": False})
    __read_only_fields__: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="wrap")
    @classmethod
    def _refuse_unknown_fields(cls, data: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo) -> Any:
        if not isinstance(data, dict) or _answering(info):
            return handler(data)
        known = set(cls.model_fields) | {f.alias for f in cls.model_fields.values() if f.alias}
        unknown = [key for key in data if key not in known]
        if not unknown:
            return handler(data)
        read_only = ALWAYS_READ_ONLY | cls.__read_only_fields__
        errors = [
            InitErrorDetails(type=_unknown_field_error(str(key), key in read_only), loc=(str(key),), input=data[key])
            for key in unknown
        ]
        try:
            handler({k: v for k, v in data.items() if k in known})
        except ValidationError as exc:
            errors = [_as_custom(e) for e in exc.errors()] + errors
        raise ValidationError.from_exception_data(cls.__name__, errors)


def _day_in_range(value: date) -> date:
    if not date_in_range(value):
        raise PydanticCustomError("date_out_of_range", DATE_RANGE_MESSAGE)
    return value


def _cents(value: Decimal) -> Decimal:
    if finer_than_cents(value):
        raise PydanticCustomError("decimal_places", PLACES_MESSAGE)
    return value


Day = Annotated[date, AfterValidator(_day_in_range)]
"""A date parameter declared outside a StrictSchema (`on: Day | None = None`), in the accepted range."""

Money = Annotated[Decimal, AfterValidator(_cents)]
"""A money input: a decimal in whole cents (core.money's one precision rule)."""
