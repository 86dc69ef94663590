"""What a release publishes to the field beside its data package, from its written files only:
``croissant.json`` (Croissant 1.1 with the Responsible-AI fields), ``DATASHEET.md`` (Gebru et
al.'s datasheet), ``metadata.json`` (Datasette's) and ``zenodo.json`` (deposit metadata); and the
release's zip archive (archive.py). Every file is deterministic and counted in SHA256SUMS."""

from __future__ import annotations

from collections.abc import Mapping

from tfhub_dataset.package.write import ReleaseInfo

PUBLISH_FILES = ("croissant.json", "DATASHEET.md", "metadata.json", "zenodo.json")


def publish_files(files: Mapping[str, bytes], info: ReleaseInfo) -> dict[str, bytes]:
    """The four files, from the release's descriptor, schemas and CSV files."""
    from tfhub_dataset.publish.croissant import CROISSANT_NAME, croissant_bytes
    from tfhub_dataset.publish.datasette import METADATA_NAME, metadata_bytes
    from tfhub_dataset.publish.datasheet import DATASHEET_NAME, datasheet_bytes
    from tfhub_dataset.publish.facts import FieldFacts
    from tfhub_dataset.publish.texts import release_texts
    from tfhub_dataset.publish.zenodo import ZENODO_NAME, zenodo_bytes

    facts = FieldFacts(files, info)
    texts = release_texts(facts)
    out = {
        CROISSANT_NAME: croissant_bytes(facts, texts),
        DATASHEET_NAME: datasheet_bytes(facts, texts),
        METADATA_NAME: metadata_bytes(facts),
        ZENODO_NAME: zenodo_bytes(facts),
    }
    assert tuple(sorted(out)) == tuple(sorted(PUBLISH_FILES))
    return out
