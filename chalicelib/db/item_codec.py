"""Put requests for new items built from plain dicts, through a model's own attribute definitions,
without a model instance: the bulk import's hot path (thousands of rows a call), where building
and serializing PynamoDB instances cost more client time than DynamoDB spent writing them.

`Codec(FeedbackItem).put(values)` is the request `TransactWrite.save(FeedbackItem(**values))` sends
for a new item (same attributes, same serialized values, same order, same version condition):
tests/unit/test_item_codec.py compares the two for varied records."""
from __future__ import annotations

from typing import Any, Mapping

from pynamodb.attributes import (
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import AttributeNullError
from pynamodb.expressions.condition import Condition

_MISSING = object()


class Codec:
    def __init__(self, model: type) -> None:
        self.model = model
        attributes = model.get_attributes()
        self._hash = model._hash_keyname
        self._range = model._range_keyname
        self._table = model.Meta.table_name
        self._hash_attr = attributes[self._hash]
        self._hash_name, self._hash_type = self._hash_attr.attr_name, self._hash_attr.attr_type
        self._range_attr = attributes[self._range] if self._range else None
        self._range_name = self._range_attr.attr_name if self._range_attr else None
        self._range_type = self._range_attr.attr_type if self._range_attr else None
        self._conditions: dict[int, tuple[Condition | None, dict[str, Any]]] = {}
        self._version = model._version_attribute_name
        self._plan = []
        for name, attr in attributes.items():
            if name in (self._hash, self._range, self._version):
                continue
            default = attr.default_for_new if attr.default_for_new is not None else attr.default
            fixed = attr.serialize(model) if isinstance(attr, DiscriminatorAttribute) else _MISSING
            container = isinstance(attr, (ListAttribute, MapAttribute))
            self._plan.append((name, attr, default, fixed, container, type(attr)))
        # The same datetime object serialized again (a batch's `created_at`): its last serialization.
        self._last_moment: dict[str, tuple[Any, str]] = {}
        if self._version:
            version = attributes[self._version]
            self._new_version = (version.attr_name, {version.attr_type: version.serialize(1)})
            self._version_condition = version.does_not_exist()
        else:
            self._new_version, self._version_condition = None, None

    def attributes(self, values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        """The item's attributes but its keys, serialized as `Model.serialize` would (a new item:
        `version` 1, the discriminator, attribute defaults for what `values` does not name)."""
        out: dict[str, dict[str, Any]] = {}
        for name, attr, default, fixed, container, kind in self._plan:
            if fixed is not _MISSING:
                out[attr.attr_name] = {attr.attr_type: fixed}
                continue
            value = values.get(name, _MISSING)
            if value is _MISSING:
                value = default() if callable(default) else default
            serialized = None
            if value is None:
                pass
            elif kind is NumberAttribute and type(value) is int:
                serialized = str(value)  # what NumberAttribute's json.dumps gives a whole number
            elif kind is UTCDateTimeAttribute:
                last = self._last_moment.get(name)
                if last is not None and last[0] is value:
                    serialized = last[1]
                else:
                    serialized = attr.serialize(value)
                    self._last_moment[name] = (value, serialized)
            else:
                serialized = attr.serialize(value, null_check=True) if container else attr.serialize(value)
            if serialized is None:
                if not attr.null:
                    raise AttributeNullError(name)
                continue
            out[attr.attr_name] = {attr.attr_type: serialized}
        if self._new_version:
            out[self._new_version[0]] = self._new_version[1]
        return out

    def put(self, values: Mapping[str, Any], condition: Condition | None = None) -> dict[str, Any]:
        """The Put of a new item (a TransactWriteItems entry): on models with a version attribute,
        conditioned on the version not existing, like `save()` of a new instance (never overwrites).
        The request is laid out as PynamoDB's `get_operation_kwargs` lays it out; the condition's
        expression is serialized once per condition object (a module's constant, as the callers'
        are), not once per row."""
        item = {self._hash_name: {self._hash_type: self._hash_attr.serialize(values[self._hash])}}
        if self._range_attr is not None:
            item[self._range_name] = {self._range_type: self._range_attr.serialize(values[self._range])}
        item.update(self.attributes(values))
        return {"TableName": self._table, "Item": item, **self._condition_parts(condition)}

    def _condition_parts(self, given: Condition | None) -> dict[str, Any]:
        cached = self._conditions.get(id(given))
        if cached is not None and cached[0] is given:
            parts = cached[1]
        else:
            condition = given
            if self._version_condition is not None:
                condition = given & self._version_condition if given is not None else self._version_condition
            parts = {}
            if condition is not None:
                names: dict[str, str] = {}
                values: dict[str, Any] = {}
                parts["ConditionExpression"] = condition.serialize(names, values)
                if names:
                    parts["ExpressionAttributeNames"] = {placeholder: name for name, placeholder in names.items()}
                if values:
                    parts["ExpressionAttributeValues"] = values
            if len(self._conditions) < 16:  # the condition is kept with it: its id is not reused meanwhile
                self._conditions[id(given)] = (given, parts)
        return {name: dict(value) if isinstance(value, dict) else value for name, value in parts.items()}
