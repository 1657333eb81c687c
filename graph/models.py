"""Pydantic models built from the declared schema, so fields are never written twice."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    create_model,
    model_validator,
)

from govgraph.core.ids import ID_PATTERN, MAX_ID_CHARS
from govgraph.graph.dates import parse_day, parse_fuzzy
from govgraph.graph.schema import Prop, RecordType, Schema, load_schema

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN.pattern, max_length=MAX_ID_CHARS)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=5000, strip_whitespace=True)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2000)]


def _fuzzy(value: str) -> str:
    parse_fuzzy(value)
    return value


def _day(value: str) -> str:
    parse_day(value)
    return value


FuzzyText = Annotated[str, AfterValidator(_fuzzy)]
DayText = Annotated[str, AfterValidator(_day)]


class Record(BaseModel):
    """Common base of every generated record model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _dates_as_text(cls, data: Any) -> Any:
        # YAML turns unquoted 2023-07-21 into a date; accept it as its ISO text.
        if isinstance(data, dict):
            return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
        return data

    def dump(self) -> dict[str, Any]:
        """The record as it is written in data files (unset fields left out)."""
        return self.model_dump(exclude_none=True, exclude_defaults=True, by_alias=True)


def _literal(values: Any) -> Any:
    return Literal[tuple(values)]


def _role_model(schema: Schema, side: str) -> type[BaseModel]:
    roles = schema.participant_roles if side == "participants" else schema.concern_roles
    key = "actor" if side == "participants" else "id"
    fields: dict[str, Any] = {key: (Id, ...)}
    fields["role"] = (_literal(roles), ... if side == "participants" else "subject")
    return create_model(
        f"{side.title()}Link", __config__=ConfigDict(extra="forbid", frozen=True), **fields
    )


def _field(schema: Schema, rt: RecordType, prop: Prop) -> tuple[Any, Any]:
    t: Any
    if prop.type in {"id", "ref"}:
        t = Id
    elif prop.type == "kind":
        t = _literal(rt.kinds)
    elif prop.type == "event_type":
        t = _literal(schema.event_types)
    elif prop.type == "enum":
        t = _literal(prop.values)
    elif prop.type == "text":
        t = Text
    elif prop.type == "url":
        t = Url
    elif prop.type == "date":
        t = DayText
    elif prop.type == "fuzzy_date":
        t = FuzzyText
    elif prop.type == "text_list":
        t = list[Text]
    elif prop.type == "ref_list":
        t = list[Id]
    elif prop.type == "roles":
        t = list[_role_model(schema, prop.name)]  # type: ignore[misc]
    else:  # pragma: no cover - check_schema rejects unknown types
        raise TypeError(prop.type)
    if prop.type in {"text_list", "ref_list", "roles"}:
        if prop.required:  # no default: a missing key must fail, not become [] unchecked
            return t, Field(..., min_length=prop.min, max_length=500, description=prop.description)
        constraints: Any = Field(
            default_factory=list, min_length=prop.min, max_length=500, description=prop.description
        )
        return t, constraints
    if prop.required:
        return t, Field(..., description=prop.description)
    return t | None, Field(default=None, description=prop.description)


@lru_cache(maxsize=1)
def record_models() -> dict[str, type[Record]]:
    """One model per record type, keyed by type name (Actor, Event, ...)."""
    schema = load_schema()
    models: dict[str, type[Record]] = {}
    for rt in schema.types.values():
        fields = {name: _field(schema, rt, prop) for name, prop in rt.props.items()}
        models[rt.name] = create_model(  # type: ignore[call-overload]
            rt.name, __base__=Record, __doc__=rt.description, **fields
        )
    return models
