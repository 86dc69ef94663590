"""The curated judgements for PyTorch Hub: publisher types, and organizations on both hubs."""

import pytest

from tfhub_dataset import ROOT
from tfhub_dataset.annotations import (
    HUB_ORGANIZATIONS_PATH,
    load_publisher_types,
    parse_hub_organizations,
)
from tfhub_dataset.hubs.pytorch_hub.tables import ANNOTATIONS_PATH


def test_the_curated_annotations_hold_together():
    pytorch = load_publisher_types(ROOT / ANNOTATIONS_PATH)
    tfhub = load_publisher_types()
    mapping = parse_hub_organizations(HUB_ORGANIZATIONS_PATH.read_text(encoding="utf-8"))
    for (hub, publisher), org in mapping.items():
        types = pytorch if hub == "pytorch-hub" else tfhub
        assert types[publisher].type == "organization", (hub, publisher, org.organization)
    on_both = {o.organization for o in mapping.values() if o.hub == "tfhub"} & {
        o.organization for o in mapping.values() if o.hub == "pytorch-hub"
    }
    assert on_both == {"Intel", "NVIDIA", "Silero AI"}
    with pytest.raises(ValueError, match="mapped twice"):
        parse_hub_organizations("organization,hub,publisher,evidence\nA,tfhub,x,e\nB,tfhub,x,e\n")
