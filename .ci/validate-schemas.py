#!/usr/bin/env python3
"""Every shipped policy, test and example file validates against the JSON Schemas in docs/schema.

The schemas are what an officer's editor (VS Code with yaml-language-server) checks as they type;
this is the same check in CI, so a schema that rejects a shipped file (or a file the schema would
flag) fails the build. YAML is read as YAML 1.2 core, as the editor reads it: `on:` is a key, not
`true`, and `2024-06-30` is text, not a date object (PyYAML's default is YAML 1.1).

A file's `# yaml-language-server: $schema=…` line, where it has one, must name the schema its folder
calls for. Exit 0 when all validate, 1 otherwise, naming each file, path in the file and reason.
"""
import json
import os
import re
import sys

import jsonschema
import yaml

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


class Core12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema scalars: only true/false are booleans, no timestamps,
    no sexagesimal numbers, no `yes`/`no`/`on`/`off`."""


Core12Loader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     list("-+.0123456789")),
]:
    Core12Loader.add_implicit_resolver(tag, re.compile(pattern), first)


def construct_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


Core12Loader.add_constructor("tag:yaml.org,2002:int", construct_int)


def files(folder, schema):
    path = os.path.join(ROOT, folder)
    if not os.path.isdir(path):
        return []
    return [(os.path.join(folder, name), schema) for name in sorted(os.listdir(path))
            if name.endswith((".yaml", ".yml")) and not name.endswith(".schema.yaml")]


SHIPPED = (files("policies", "policy") + files("examples/variants", "policy") + files("policies/tests", "tests")
           + files("examples", "facts") + files("examples/cohorts", "facts"))

HEADER = re.compile(r"^#\s*yaml-language-server:\s*\$schema=(\S+)")


def main():
    schemas = {}
    for name in ("policy", "tests", "facts"):
        with open(os.path.join(ROOT, "docs/schema", name + ".schema.json"), encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft7Validator.check_schema(schema)
        schemas[name] = jsonschema.Draft7Validator(schema)
    failures = 0
    for relative, kind in SHIPPED:
        path = os.path.join(ROOT, relative)
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
        first = text.splitlines()[0] if text else ""
        header = HEADER.match(first)
        if header:
            target = os.path.normpath(os.path.join(os.path.dirname(path), header.group(1)))
            expected = os.path.join(ROOT, "docs/schema", kind + ".schema.json")
            if target != expected:
                print(f"{relative}:1: the $schema line names {header.group(1)}, but a file here is checked "
                      f"against docs/schema/{kind}.schema.json")
                failures += 1
        document = yaml.load(text, Loader=Core12Loader)
        errors = sorted(schemas[kind].iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors:
            where = "/".join(str(p) for p in error.absolute_path) or "(top)"
            print(f"{relative}: {where}: {error.message}")
        failures += len(errors)
    print(f"validated {len(SHIPPED)} files against docs/schema: {failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
