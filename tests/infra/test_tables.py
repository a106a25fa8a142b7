"""The template's tables equal the PynamoDB models' tables, and the comparison fails when either
side changes alone. The expectation is read from the models' attributes and index classes (not
from the generator's input, PynamoDB's `_get_schema`)."""
from __future__ import annotations

import copy

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.db.items import ALL_TABLES, CxgovItem


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def _index_keys(index) -> list[tuple[str, str, str]]:
    keys = []
    for attr in index.Meta.attributes.values():
        if attr.is_hash_key:
            keys.append(("HASH", attr.attr_name, attr.attr_type))
        if attr.is_range_key:
            keys.append(("RANGE", attr.attr_name, attr.attr_type))
    return sorted(keys)


def model_shape(model: type[Model]) -> dict:
    attrs = model.get_attributes().values()
    keys = sorted([("HASH", a.attr_name, a.attr_type) for a in attrs if a.is_hash_key]
                  + [("RANGE", a.attr_name, a.attr_type) for a in attrs if a.is_range_key])
    gsis, lsis = {}, {}
    for name, index in model._indexes.items():
        projection = index.Meta.projection
        shape = (tuple(_index_keys(index)), projection.projection_type,
                 tuple(sorted(projection.non_key_attributes or ())))
        (gsis if isinstance(index, GlobalSecondaryIndex) else lsis)[name] = shape
    defined = {(n, t) for _, n, t in keys}
    for shape in [*gsis.values(), *lsis.values()]:
        defined |= {(n, t) for _, n, t in shape[0]}
    ttl = [a.attr_name for a in attrs if isinstance(a, TTLAttribute)]
    return {"keys": keys, "attributes": sorted(defined), "gsis": gsis, "lsis": lsis,
            "ttl": ttl[0] if ttl else None, "billing": model.Meta.billing_mode}


def template_shape(resource: dict) -> dict:
    props = resource["Properties"]
    kinds = {d["AttributeName"]: d["AttributeType"] for d in props["AttributeDefinitions"]}

    def keys(schema):
        return sorted((k["KeyType"], k["AttributeName"], kinds.get(k["AttributeName"]))
                      for k in schema)

    def indexes(entries):
        return {i["IndexName"]: (tuple(keys(i["KeySchema"])), i["Projection"]["ProjectionType"],
                                 tuple(sorted(i["Projection"].get("NonKeyAttributes", ()))))
                for i in entries}

    ttl = props.get("TimeToLiveSpecification")
    return {"keys": keys(props["KeySchema"]),
            "attributes": sorted(kinds.items()),
            "gsis": indexes(props.get("GlobalSecondaryIndexes", [])),
            "lsis": indexes(props.get("LocalSecondaryIndexes", [])),
            "ttl": ttl["AttributeName"] if ttl and ttl.get("Enabled") else None,
            "billing": props.get("BillingMode")}


def differences(resource: dict, model: type[Model]) -> list[str]:
    want, got = model_shape(model), template_shape(resource)
    return [f"{field}: model {want[field]!r} != template {got[field]!r}"
            for field in want if want[field] != got[field]]


def table_resources(resources: dict) -> dict[str, dict]:
    return {r["Properties"]["TableName"]["Fn::Sub"].split("}-", 1)[1]: r
            for r in resources.values() if r["Type"] == "AWS::DynamoDB::Table"}


def test_every_model_has_exactly_its_table(resources):
    tables = table_resources(resources)
    assert sorted(tables) == sorted(m.Meta.table_name for m in ALL_TABLES)
    for model in ALL_TABLES:
        assert differences(tables[model.Meta.table_name], model) == [], model.__name__
    print(f"\ncompared {len(tables)} tables: {sorted(tables)}")


def test_item_types_declare_no_index_or_ttl_of_their_own():
    """Other item types share the `cxgov` table: an index declared on a subclass would never be
    created (tables are created from ALL_TABLES), so it must be declared on the table's model."""
    for model in ALL_TABLES:
        base = model_shape(model)
        for sub in _subclasses(model):
            shape = model_shape(sub)
            assert (shape["keys"], shape["gsis"], shape["lsis"], shape["ttl"]) == \
                   (base["keys"], base["gsis"], base["lsis"], base["ttl"]), sub.__name__


def test_a_template_changed_alone_is_caught(resources):
    cxgov = table_resources(resources)["cxgov"]
    no_index = copy.deepcopy(cxgov)
    del no_index["Properties"]["GlobalSecondaryIndexes"]
    assert any(d.startswith("gsis") for d in differences(no_index, CxgovItem))

    numeric_key = copy.deepcopy(cxgov)
    for d in numeric_key["Properties"]["AttributeDefinitions"]:
        if d["AttributeName"] == "sk":
            d["AttributeType"] = "N"
    assert any(d.startswith("keys") for d in differences(numeric_key, CxgovItem))

    keys_only = copy.deepcopy(cxgov)
    keys_only["Properties"]["GlobalSecondaryIndexes"][0]["Projection"] = {"ProjectionType": "KEYS_ONLY"}
    assert differences(keys_only, CxgovItem)

    with_ttl = copy.deepcopy(cxgov)
    with_ttl["Properties"]["TimeToLiveSpecification"] = {"AttributeName": "created_at", "Enabled": True}
    assert any(d.startswith("ttl") for d in differences(with_ttl, CxgovItem))


class _ByStatus(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_status"
        projection = KeysOnlyProjection()

    status = UnicodeAttribute(hash_key=True)


class _ByOrg(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_pk = UnicodeAttribute(hash_key=True)
    org_sk = UnicodeAttribute(range_key=True)


class _CxgovWithAnotherIndex(Model):
    """The `cxgov` model as it would be if someone added an index to the models only."""

    class Meta:
        table_name = "cxgov"
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    org_pk = UnicodeAttribute(null=True)
    org_sk = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    by_org = _ByOrg()
    by_status = _ByStatus()


class _CxgovWithTtl(Model):
    class Meta:
        table_name = "cxgov"
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    org_pk = UnicodeAttribute(null=True)
    org_sk = UnicodeAttribute(null=True)
    by_org = _ByOrg()
    expires = TTLAttribute(null=True)


def test_models_changed_alone_are_caught(resources):
    cxgov = table_resources(resources)["cxgov"]
    assert differences(cxgov, _CxgovWithAnotherIndex)
    assert any(d.startswith("ttl") for d in differences(cxgov, _CxgovWithTtl))


def test_generated_tables_follow_any_model(resources):
    """The generator derives a table from whatever the model declares (so new indexes need no
    edit in infra/)."""
    from devtools import infra_gen

    generated = infra_gen.table_resource(_CxgovWithAnotherIndex)
    assert differences(generated, _CxgovWithAnotherIndex) == []
    assert infra_gen.logical_id("cxgov-idempotency") == "CxgovIdempotencyTable"


def test_tables_are_protected_recoverable_and_encrypted(resources):
    for name, table in table_resources(resources).items():
        props = table["Properties"]
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS",
                                             "KMSMasterKeyId": {"Ref": "DataKey"}}
        assert resources["DataKey"]["Type"] == "AWS::KMS::Key"
        assert resources["DataKey"]["Properties"]["EnableKeyRotation"] is True
        assert props["DeletionProtectionEnabled"] is True
        assert table["DeletionPolicy"] == "Retain" and table["UpdateReplacePolicy"] == "Retain"
        assert props["BillingMode"] == "PAY_PER_REQUEST", name


def test_ttl_on_the_idempotency_table_and_the_main_tables_short_lived_items(resources):
    with_ttl = sorted(name for name, t in table_resources(resources).items()
                      if "TimeToLiveSpecification" in t["Properties"])
    assert with_ttl == ["cxgov", "cxgov-idempotency"]
    idem = table_resources(resources)["cxgov-idempotency"]["Properties"]
    assert idem["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    main = table_resources(resources)["cxgov"]["Properties"]
    assert main["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    # Only the public surveys' rate windows (issue 30) set it: no record of the API may expire.
    from tests.conftest import ROOT

    setters = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "chalicelib").rglob("*.py")
                     if "expires_at" in p.read_text() and p.name != "items.py")
    assert setters == ["chalicelib/surveys/store.py"]
