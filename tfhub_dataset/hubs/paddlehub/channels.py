"""PaddleHub's channels: how commits reached PaddlePaddle/PaddleHub's develop branch (hub data).

Studied on all 1,088 first-parent commits (2018-12 to 2023-03-28): 242 GitHub squash merges, 53
merges of forks (GitHub's ``Merge pull request #N from OWNER/BRANCH``; none of a
``PaddlePaddle/`` branch), 1 merge with an edited message, 151 web edits, 72 pull requests
applied and pushed by a maintainer (``(#N)`` at the end, committed by a person), 64 merges made
on a maintainer's machine (``Merge branch 'release/v2.1' into develop``) and 505 direct pushes,
by far the most common (the hub's team pushed its work straight to the branch).
"""

from __future__ import annotations

from tfhub_dataset.history.channels import (
    CommunityRules,
    direct_push,
    edited_merge,
    fork_merge,
    local_merge,
    pushed_pull_request,
    squash_merge,
    web_edit,
)

RULES = CommunityRules(
    hub="paddlehub",
    organisation="PaddlePaddle",
    owner="Baidu",
    owner_domains=("baidu.com",),
    bots=(),
    channels=(
        squash_merge(),
        fork_merge(),
        edited_merge(),
        web_edit(),
        pushed_pull_request(),
        local_merge(),
        direct_push(),
    ),
)
