"""The curated judgements: the organisations behind publishers (shared by the hubs), each hub's
publisher types with their organisation, and the accounts typed for what they are."""

from tfhub_dataset.annotations import load_organizations, load_publisher_types
from tfhub_dataset.hubs import HUBS


def test_the_curated_annotations_hold_together():
    orgs = load_organizations()
    by_hub = {name: load_publisher_types(h.annotations) for name, h in HUBS.items()}
    used = {t.organization for types in by_hub.values() for t in types.values()} - {None}
    assert used <= set(orgs)  # load_publisher_types checks it too
    assert set(orgs) - used == set(), "organizations.csv lists a name no hub uses"
    for types in by_hub.values():
        for t in types.values():
            assert t.type == "individual" or t.organization, t  # an organisation names itself
    tfhub, pytorch = by_hub["tfhub"], by_hub["pytorch-hub"]
    google = {h for h, t in tfhub.items() if t.organization == "Google"}
    assert {"google", "deepmind", "tensorflow", "kaggle"} <= google
    assert {h for h, t in pytorch.items() if t.organization == "Meta"} == {
        "pytorch", "facebookresearch"
    }  # fmt: skip
    # Personal accounts publishing for an organisation: the account is a person's.
    for handle, org in (("snakers4", "Silero AI"), ("szq0214", "Carnegie Mellon University")):
        assert (pytorch[handle].type, pytorch[handle].organization) == ("individual", org)
    on_both = {t.organization for t in tfhub.values()} & {t.organization for t in pytorch.values()}
    assert on_both - {None} == {"Intel", "NVIDIA", "Silero AI"}
