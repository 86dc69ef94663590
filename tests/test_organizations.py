"""Concentration by organisation from a written publishers table (issue 20, finding 2)."""

from tfhub_dataset.report.organizations import by_organization, organization_section

PUBLISHERS = [
    {"handle": "pytorch", "organization": "Meta", "model_count": 15},
    {"handle": "facebookresearch", "organization": "Meta", "model_count": 7},
    {"handle": "nvidia", "organization": "NVIDIA", "model_count": 10},
    {"handle": "snakers4", "organization": "Silero AI", "model_count": 3},
    {"handle": "jdoe", "organization": None, "model_count": 12},
]


def test_accounts_of_one_organisation_count_together():
    groups = by_organization(PUBLISHERS)
    assert [(g.organization, g.publishers, g.models) for g in groups] == [
        ("Meta", ("facebookresearch", "pytorch"), 22),
        (None, ("jdoe",), 12),  # a person on their own counts as itself
        ("NVIDIA", ("nvidia",), 10),
        ("Silero AI", ("snakers4",), 3),
    ]
    lines = organization_section(PUBLISHERS, 47, str)
    assert "the largest, Meta, holds 46.8 % of the 47 models" in lines[0]
    assert any("`facebookresearch` and `pytorch`" in line for line in lines)
    assert organization_section([{**p, "organization": None} for p in PUBLISHERS], 47, str) == []
