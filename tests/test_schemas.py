"""The schemas are the contract: valid 2020-12, resolved offline, bundled, and agreeing with wsas."""

import copy
import json
import random

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable

from helpers import VALID_EXAMPLES, run_wsas
import wsas
from wsas.schemas import BASE, FORMAT_CHECKER, NAMES, load_schema, registry

SEMANTIC_CODES = {"unknown-rubric", "unknown-version", "unknown-criterion", "missing-response",
                  "wrong-response-kind", "out-of-range", "off-step", "not-applicable-not-allowed",
                  "no-applicable-criteria"}


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_valid_2020_12_with_an_https_id(name):
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"{BASE}{name}.json" and BASE.startswith("https://")


def test_references_resolve_offline_and_nothing_else_does():
    resolver = registry().resolver()
    assert resolver.lookup(f"{BASE}defs.json#/$defs/points").contents["type"] == "number"
    with pytest.raises(Unresolvable):
        resolver.lookup("https://example.org/elsewhere.json")


def test_bundle_is_self_contained(tmp_path):
    out = tmp_path / "wsas.bundle.json"
    assert run_wsas("schema", "bundle", "--output", out).returncode == 0
    bundled = json.loads(out.read_text(encoding="utf-8"))
    alone = Registry().with_resource(bundled["$id"], Resource.from_contents(bundled)).crawl()
    validator = Draft202012Validator({"$ref": f"{BASE}submission.json"}, registry=alone, format_checker=FORMAT_CHECKER)
    good = json.loads(VALID_EXAMPLES[0].read_text(encoding="utf-8"))
    assert list(validator.iter_errors(good)) == []
    bad = dict(good, period="2020Q5")
    assert [e.json_path for e in validator.iter_errors(bad)] == ["$.period"]


def _mutations(document, rng):
    """Random small edits of a valid submission: wrong types, removed keys, out-of-range numbers."""
    values = [None, True, -1, 0, 0.5, 3.0, 101, 1e6, "", "x" * 3000, [], {}, "2020Q3", {"awarded": 1},
              {"met": True}, {"findings": 2.5}, {"rate": 50}, {"awarded": 1, "met": False}, {"notApplicable": False}]
    for _ in range(400):
        mutated = copy.deepcopy(document)
        node, key = mutated, None
        path = []
        while isinstance(node, (dict, list)) and node and rng.random() < 0.7:
            key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
            path.append(key)
            if not isinstance(node[key], (dict, list)) or not node[key]:
                break
            node = node[key]
        if not path:
            continue
        parent = mutated
        for step in path[:-1]:
            parent = parent[step]
        action = rng.random()
        if action < 0.2 and isinstance(parent, dict):
            del parent[path[-1]]
        elif action < 0.3 and isinstance(parent, dict):
            parent[rng.choice(["extra", "1.1", "99.9", "responses"])] = rng.choice(values)
        else:
            parent[path[-1]] = rng.choice(values)
        yield mutated


def test_wsas_agrees_with_a_plain_schema_validator_on_random_documents():
    """wsas never accepts what the schema rejects; beyond the schema it only adds documented semantic codes."""
    validator = Draft202012Validator(load_schema("submission"), registry=registry(), format_checker=FORMAT_CHECKER)
    rng = random.Random(20201)
    checked = rejected = 0
    for path in VALID_EXAMPLES:
        original = json.loads(path.read_text(encoding="utf-8"))
        for mutated in _mutations(original, rng):
            text = json.dumps(mutated, ensure_ascii=False)
            schema_valid = validator.is_valid(json.loads(text))
            errors = wsas.validate(wsas.load_json_text(text))
            if not schema_valid:
                rejected += 1
                assert errors and all(e.code in ("schema", "invalid-date") for e in errors), text
            else:
                assert all(e.code in SEMANTIC_CODES for e in errors), (text, errors)
            checked += 1
    assert checked > 1000 and rejected > 300
