"""PyTorch Hub's channels: how commits reached pytorch/hub's master branch (hub data).

Studied on all 267 first-parent commits (2019-04 to 2024-04-15): 83 GitHub squash merges, 42
merges of forks and 50 of ``pytorch/`` branches (GitHub's ``Merge pull request #N from
OWNER/BRANCH``), 12 merges whose message was edited to the pull request's title (the branch not
named), 35 web edits and uploads, 17 pull requests applied and pushed by a maintainer (``(#N)``
at the end, committed by a person) and 28 direct pushes. No bot commits to its branch.
"""

from __future__ import annotations

from tfhub_dataset.history.channels import (
    CommunityRules,
    direct_push,
    edited_merge,
    fork_merge,
    org_branch_merge,
    pushed_pull_request,
    squash_merge,
    web_edit,
)

RULES = CommunityRules(
    hub="pytorch-hub",
    organisation="pytorch",
    owner="Meta",
    owner_domains=("fb.com", "meta.com", "facebook.com"),
    bots=(),
    channels=(
        squash_merge(),
        fork_merge(),
        org_branch_merge(),
        edited_merge(),
        web_edit(),
        pushed_pull_request(),
        direct_push(),
    ),
)
