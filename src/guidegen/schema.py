"""JSON Schemas for editors, generated from the models (never written by hand)."""

from __future__ import annotations

import json

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from .model import Guide, GuideTranslation, PageFile, Project, ReusableFile

KINDS: dict[str, type[BaseModel]] = {
    "guide": Guide, "reusable": ReusableFile, "project": Project, "page": PageFile,
    "translation": GuideTranslation,
}


def schema_text(kind: str) -> str:
    schema = KINDS[kind].model_json_schema(by_alias=True, schema_generator=GenerateJsonSchema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://guidegen.dev/schema/{kind}.schema.json"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def file_name(kind: str) -> str:
    return f"{kind}.schema.json"
