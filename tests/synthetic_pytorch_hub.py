"""Small synthetic pytorch/hub snapshots written by the tests (never copies of the real pages)."""

from __future__ import annotations

import textwrap

from tfhub_dataset.sources.snapshot import Snapshot

SHA = "89abcdef0123456789abcdef0123456789abcdef"
TAGS_PY = "valid_tags = ['vision',\n              'nlp',\n              'audio',\n              ]\n"
SANITY_PY = """\
from tags import valid_tags


class ValidMD:
    def __init__(self, filename):
        self.valid_tags = valid_tags
        self.valid_categories = ['researchers', 'developers']
"""
TEMPLATE_MD = """\
---
layout: hub_detail
accelerator: <OPTIONAL: Current supported values: "cuda", "cuda-optional">
---
"""
VOCABULARY = {
    "scripts/tags.py": TAGS_PY,
    "scripts/sanity_check.py": SANITY_PY,
    "docs/template.md": TEMPLATE_MD,
}
FIELDS = {
    "layout": "hub_detail",
    "background-class": "hub-background",
    "body-class": "hub",
    "title": "Acme Net",
    "summary": "A small network that classifies widgets",
    "category": "researchers",
    "image": "acme.png",
    "author": "Acme Lab",
    "tags": "[vision]",
    "github-link": "https://github.com/Acme-Lab/acmenet/blob/main/hubconf.py",
    "github-id": "Acme-Lab/acmenet",
    "featured_image_1": "acme.png",
    "featured_image_2": "no-image",
    "accelerator": "cuda-optional",
    "order": "10",
    "demo-model-link": "https://huggingface.co/spaces/acme/acmenet",
}
BODY = """\
```python
import torch
model = torch.hub.load('Acme-Lab/acmenet:v1.0', 'acmenet_small', pretrained=True)
# or any of these variants
# model = torch.hub.load('Acme-Lab/acmenet:v1.0', 'acmenet_large', pretrained=True)
model.eval()
```

### Model Description

AcmeNet is described in [the paper](https://arxiv.org/abs/0000.00000).
"""


def page(body: str = BODY, drop: tuple[str, ...] = (), **fields: str) -> str:
    """A model page: FIELDS (keys with '_' for '-': github_id=...) then the body."""
    values = dict(FIELDS)
    for key, value in fields.items():
        name = key if key in values else key.replace("_", "-")
        values[name] = value
    lines = ["---"]
    lines += [f"{k}: {v}" for k, v in values.items() if k not in drop]
    lines += ["---", ""]
    return "\n".join(lines) + body


def snapshot(
    files: dict[str, str | bytes],
    *,
    vocabulary: bool = True,
    commit: str = SHA,
    date: str = "2022-03-23T08:54:35Z",
) -> Snapshot:
    out: dict[str, bytes] = {}
    if vocabulary:
        out.update({p: t.encode() for p, t in VOCABULARY.items()})
    for path, content in files.items():
        out[path] = content if isinstance(content, bytes) else content.encode("utf-8")
    return Snapshot(commit, date, out, repository="pytorch/hub")


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")
