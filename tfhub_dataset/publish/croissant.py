"""croissant.json: a release as Croissant 1.1 metadata (JSON-LD, with the Responsible-AI fields),
generated from its Table Schemas and datapackage.json.

Every CSV file is a ``cr:FileObject`` with its SHA-256; every table a ``cr:RecordSet`` whose
fields read its columns, its primary key a ``key`` and each foreign key a ``references`` to the
referenced record set's field. Nothing here names a hub; the texts come from texts.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from tfhub_dataset import PROJECT_URL
from tfhub_dataset.package.write import dumps_json, repository_name
from tfhub_dataset.publish.facts import FieldFacts
from tfhub_dataset.publish.texts import ReleaseTexts
from tfhub_dataset.report.citation import hub_dataset_title, release_bibtex, release_url
from tfhub_dataset.study import STUDY_DOI, study_bibtex

CROISSANT_NAME = "croissant.json"
CONFORMS_TO = ["http://mlcommons.org/croissant/1.1", "http://mlcommons.org/croissant/RAI/1.0"]
# The standard @context of Croissant 1.1 (as mlcroissant 1.1 writes it), and the RAI prefix.
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "equivalentProperty": "cr:equivalentProperty",
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
# Table Schema type -> Croissant data type. A list stays its delimited text, a yearmonth its
# YYYY-MM text, as in the CSV cell.
DATA_TYPES = {
    "string": "sc:Text",
    "integer": "sc:Integer",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "date": "sc:Date",
    "datetime": "sc:DateTime",
    "list": "sc:Text",
    "yearmonth": "sc:Text",
}
APACHE = "https://spdx.org/licenses/Apache-2.0.html"
CREATOR = {"@type": "sc:Organization", "name": "tfhub-dataset contributors", "url": PROJECT_URL}
# How the data came to be (Croissant RAI's vocabulary): read by software from a repository's
# documents, one judgement curated by hand.
COLLECTION_TYPES = ["Software Collection", "Document analysis", "Manual Human Curator"]


def _keys(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def record_set(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """One table as a record set: a field per column, read from ``data/<name>.csv``."""
    refs: dict[str, str] = {}
    for fk in schema.get("foreignKeys", []):
        target = fk["reference"].get("resource") or name
        for col, ref in zip(_keys(fk["fields"]), _keys(fk["reference"]["fields"]), strict=True):
            refs.setdefault(col, f"{target}/{ref}")
    fields = []
    for f in schema["fields"]:
        field: dict[str, Any] = {
            "@type": "cr:Field",
            "@id": f"{name}/{f['name']}",
            "name": f["name"],
            "description": f.get("description", ""),
            "dataType": DATA_TYPES[f["type"]],
            "source": {
                "fileObject": {"@id": f"data/{name}.csv"},
                "extract": {"column": f["name"]},
            },
        }
        if f["name"] in refs:
            field["references"] = {"field": {"@id": refs[f["name"]]}}
        fields.append(field)
    out: dict[str, Any] = {
        "@type": "cr:RecordSet",
        "@id": name,
        "name": name,
        "description": f"{schema.get('title', name)}. {schema.get('description', '')}".strip(),
    }
    if schema.get("primaryKey"):
        out["key"] = [{"@id": f"{name}/{k}"} for k in _keys(schema["primaryKey"])]
    out["field"] = fields
    return out


def document(
    files: Mapping[str, bytes],
    desc: dict[str, Any],
    schemas: Mapping[str, dict[str, Any]],
    *,
    name: str,
    url: str,
    date_published: str,
    cite_as: str,
    based_on: list[dict[str, Any]],
    rai: dict[str, Any],
) -> dict[str, Any]:
    """A data package (its descriptor, schemas and CSV files) as a Croissant document."""
    tables = sorted(schemas)
    distribution = [
        {
            "@type": "cr:FileObject",
            "@id": f"data/{t}.csv",
            "name": f"{t}.csv",
            "description": f"Table {t} as CSV (RFC 4180, UTF-8, header row).",
            "contentUrl": f"data/{t}.csv",
            "encodingFormat": "text/csv",
            "sha256": hashlib.sha256(files[f"data/{t}.csv"]).hexdigest(),
        }
        for t in tables
    ]
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": name,
        "alternateName": desc["title"],
        "description": desc["description"],
        "url": url,
        "sameAs": PROJECT_URL,
        "version": desc["version"],
        "datePublished": date_published,
        "dateCreated": desc["created"],
        "license": APACHE,
        "creator": [CREATOR],
        "publisher": [CREATOR],
        "keywords": list(desc.get("keywords", [])),
        "inLanguage": ["en"],
        "citeAs": cite_as,
        "citation": ["\n".join(study_bibtex()), f"https://doi.org/{STUDY_DOI}"],
        "isBasedOn": based_on,
        **rai,
        "distribution": distribution,
        "recordSet": [record_set(t, dict(schemas[t])) for t in tables],
    }


def croissant(facts: FieldFacts, texts: ReleaseTexts) -> dict[str, Any]:
    """The Croissant metadata of a release (a JSON object, in a fixed key order)."""
    info, h = facts.info, facts.hub
    start = f"{facts.months[0]}-01" if facts.months else info.commit_date[:10]
    source = {
        "@type": "sc:SoftwareSourceCode",
        "name": f"{repository_name(info.repository_url)} at commit {info.commit}",
        "url": f"{info.repository_url}/tree/{info.commit}",
        "version": info.commit,
    }
    rai = {
        "rai:dataCollection": texts.collection,
        "rai:dataCollectionType": COLLECTION_TYPES,
        "rai:dataCollectionTimeFrame": [start, info.commit_date],
        "rai:dataCollectionRawData": (
            f"The public git repository {info.repository_url} (commit {info.commit})."
        ),
        "rai:dataPreprocessingProtocol": [texts.preprocessing],
        "rai:dataAnnotationProtocol": [texts.annotation],
        "rai:dataLimitations": texts.limitations,
        "rai:dataBiases": texts.biases,
        "rai:personalSensitiveInformation": texts.personal,
        "rai:dataUseCases": f"{texts.use_cases} Out of scope: {texts.out_of_scope}",
        "rai:dataSocialImpact": texts.social_impact,
        "rai:dataReleaseMaintenancePlan": texts.maintenance,
    }
    return document(
        facts.files,
        facts.descriptor,
        facts.release.schemas,
        name=f"{h.package_name}-{info.release_id}",
        url=release_url(info),
        date_published=info.released,
        cite_as="\n".join(release_bibtex(info, hub_dataset_title(h.title))),
        based_on=[source],
        rai=rai,
    )


def croissant_bytes(facts: FieldFacts, texts: ReleaseTexts) -> bytes:
    return dumps_json(croissant(facts, texts)).encode("utf-8")
