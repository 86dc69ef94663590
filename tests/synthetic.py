"""Small synthetic snapshots written by the tests themselves (never copies of the source docs)."""

from __future__ import annotations

import textwrap

from tfhub_dataset.sources.snapshot import Snapshot

SHA = "0123456789abcdef0123456789abcdef01234567"

TASK_YAML = """\
values:
  - id: image-classification
    display_name: Image classification
    domains:
      - image
  - id: text-embedding
    display_name: Text embedding
    domains:
      - text
  - id: video-audio-text
    display_name: Video audio text
    domains:
      - video
      - audio
      - text
"""
ARCH_YAML = """\
values:
  - id: mobilenet-v2
    display_name: MobileNet V2
  - id: amoebanet-a-n18-f448
    display_name: AmoebaNet-A (N=18, F=448)
"""
DATASET_YAML = """\
values:
  - id: imagenet-ilsvrc-2012-cls
    display_name: ImageNet (ILSVRC-2012-CLS)
  - id: wikipedia
    display_name: Wikipedia
  - id: bookscorpus
    display_name: BooksCorpus
"""
LICENSE_YAML = """\
values:
  - id: apache-2.0
    display_name: Apache-2.0
    url: https://opensource.org/licenses/Apache-2.0
"""
LANGUAGE_YAML = """\
values:
  - id: en
    display_name: English
"""


def doc(text: str) -> bytes:
    return textwrap.dedent(text).lstrip("\n").encode("utf-8")


def snapshot(
    files: dict[str, str | bytes],
    *,
    tags: bool = True,
    commit: str = SHA,
    date: str = "2022-04-04T14:10:29Z",
) -> Snapshot:
    out: dict[str, bytes] = {}
    if tags:
        out.update(
            {
                "tags/task.yaml": TASK_YAML.encode(),
                "tags/network_architecture.yaml": ARCH_YAML.encode(),
                "tags/dataset.yaml": DATASET_YAML.encode(),
                "tags/license.yaml": LICENSE_YAML.encode(),
                "tags/language.yaml": LANGUAGE_YAML.encode(),
            }
        )
    for path, content in files.items():
        out[path] = content if isinstance(content, bytes) else doc(content)
    return Snapshot(commit=commit, commit_date=date, files=out)


PUBLISHER = """
# Publisher acme
ACME Labs.

[![Icon URL]](https://example.org/acme.png)

## [acme.example](https://acme.example)

We build models. See https://github.com/acme and www.acme.example/about.
"""

MODULE = """
# Module acme/vision/classifier/{version}
An image classifier.

<!-- asset-path: https://example.org/model.tar.gz -->
<!-- task: image-classification -->
<!-- network-architecture: mobilenet-v2 -->
<!-- dataset: imagenet-ilsvrc-2012-cls -->
<!-- fine-tunable: true -->
<!-- format: saved_model_2 -->
<!-- license: apache-2.0 -->

## Overview
Text.
"""


def history_readme_section(tables: dict) -> str:
    """The release README's History section for history tables held in memory (rows typed as
    the report types them), as the README writes it from the CSV files."""
    from tfhub_dataset.hubs.tfhub.report.readme import history_section
    from tfhub_dataset.report.release import Release

    lines = history_section(Release(dict(tables), {}))
    return "\n".join(["## History", "", *lines]) + "\n" if lines else ""
