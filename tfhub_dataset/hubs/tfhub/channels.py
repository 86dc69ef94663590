"""TF Hub's channels: how commits reached tensorflow/tfhub.dev's master branch (hub data).

Studied on all 619 first-parent commits (2020-08-25 to 2024-03-18): 462 exports of Google's
internal repository by Copybara (trailer ``PiperOrigin-RevId``; 5 of them pushed by a staff
member rather than Copybara's worker), 22 pull requests imported through Copybara (trailer
``COPYBARA_INTEGRATE_REVIEW=https://github.com/tensorflow/tfhub.dev/pull/N from LOGIN:BRANCH``,
the author kept), 113 GitHub squash merges, 4 merge commits (2 of forks, 2 of ``tensorflow/``
branches), 10 web edits and 8 direct pushes. Pushed pull requests, local merges and merges with
an edited message never occur: such a commit would be an anomaly.
"""

from __future__ import annotations

from tfhub_dataset.history.channels import (
    Channel,
    CommunityRules,
    Match,
    direct_push,
    fork_merge,
    org_branch_merge,
    squash_merge,
    web_edit,
)

PIPER = Match("line", r"PiperOrigin-RevId: [0-9]{1,12}")
COPYBARA_PR = Match(
    "line",
    r"COPYBARA_INTEGRATE_REVIEW=https://github\.com/tensorflow/tfhub\.dev/pull/(?P<pr>[0-9]{1,7})"
    r" from (?P<login>[A-Za-z0-9-]{1,39}):\S{1,255}(?: [0-9a-f]{40})?",
)

COPYBARA_EXPORT = Channel(
    "copybara-export",
    "Copybara export",
    "at most one parent; a `PiperOrigin-RevId` trailer (the change's revision in Google's "
    "internal repository) and no `COPYBARA_INTEGRATE_REVIEW` one; committed by Copybara's "
    "worker, or (five commits of 2020-2021) by a staff member who pushed the export",
    (0, 1),
    ("bot", "person"),
    require=(PIPER,),
    forbid=(COPYBARA_PR,),
    write_access="committer",
)
COPYBARA_IMPORT = Channel(
    "copybara-import",
    "Copybara-imported pull request",
    "one parent; committed by Copybara's worker; a `COPYBARA_INTEGRATE_REVIEW=` trailer naming "
    "the pull request `https://github.com/tensorflow/tfhub.dev/pull/N from LOGIN:BRANCH`: a "
    "pull request reviewed inside Google and exported with its author kept",
    (1, 1),
    "bot",
    require=(COPYBARA_PR,),
    login_of="author",
)

RULES = CommunityRules(
    hub="tfhub",
    organisation="tensorflow",
    owner="Google",
    owner_domains=("google.com",),
    bots=("copybara-worker@google.com",),
    channels=(
        COPYBARA_EXPORT,
        COPYBARA_IMPORT,
        squash_merge(forbid=(PIPER,)),
        fork_merge(),
        org_branch_merge(),
        web_edit(forbid=(PIPER,)),
        direct_push(forbid=(PIPER,)),
    ),
)
