"""The words a release uses of itself in croissant.json (the Responsible-AI fields), the
datasheet and Datasette's metadata: defaults that hold for any hub the pipeline builds (the same
sources, parse and package), each stated from the release's own facts, and what a hub adds.

A hub adds its own sentences through an optional ``release_texts(facts) -> dict[str, str]`` in its
wiring module: each value is appended to the default of its key (keys: the fields of
:class:`ReleaseTexts`). Nothing here names a hub.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from tfhub_dataset import PROJECT_URL
from tfhub_dataset.package.write import repository_name
from tfhub_dataset.publish.facts import FieldFacts
from tfhub_dataset.report.markdown import n


@dataclass(frozen=True)
class ReleaseTexts:
    """Plain-text answers (no Markdown), one paragraph each."""

    motivation: str
    collection: str  # rai:dataCollection
    preprocessing: str  # rai:dataPreprocessingProtocol
    annotation: str  # rai:dataAnnotationProtocol: the curated judgements
    limitations: str  # rai:dataLimitations
    biases: str  # rai:dataBiases
    personal: str  # rai:personalSensitiveInformation
    use_cases: str  # rai:dataUseCases: intended uses
    out_of_scope: str  # uses the release does not support
    social_impact: str  # rai:dataSocialImpact
    maintenance: str  # rai:dataReleaseMaintenancePlan
    distribution: str


def release_texts(facts: FieldFacts) -> ReleaseTexts:
    """The defaults, with what the release's hub adds (its wiring's ``release_texts``)."""
    texts = default_texts(facts)
    extra = getattr(facts.hub.module(), "release_texts", None)
    if extra is None:
        return texts
    added = extra(facts)
    known = {f.name for f in fields(ReleaseTexts)}
    unknown = sorted(set(added) - known)
    if unknown:
        raise ValueError(f"release_texts of {facts.hub.name}: unknown keys {unknown}")
    return replace(texts, **{k: f"{getattr(texts, k)} {v}" for k, v in added.items()})


def default_texts(facts: FieldFacts) -> ReleaseTexts:
    h, info = facts.hub, facts.info
    repo = repository_name(info.repository_url)
    types = facts.publisher_types
    individuals = types.get("individual", 0)
    publishers = sum(types.values())
    history = (
        f" and every commit of its published branch up to that commit ({facts.months[0]} to "
        f"{facts.months[1]}, one snapshot per month)"
        if facts.months
        else ""
    )
    contact = facts.contact_links
    reached = ", ".join(f"{n(len(contact[t]))} {t}" for t in sorted(contact) if contact[t])
    return ReleaseTexts(
        motivation=(
            f"To make the community of model publishers of {h.title} ({h.site}) a citable, "
            "reproducible object of study: who publishes pre-trained models, how many, of what "
            "kind, and how that changed over time. The project began as the reproduction of a "
            "published study of one hub's publishers and takes up its stated future work, the "
            "comparison of hubs."
        ),
        collection=(
            f"Derived, with no crawl of a web site and no interaction with any person, from the "
            f"public git repository {repo} ({info.repository_url}) that {h.site} was generated "
            f"from: the files at commit {info.commit} ({info.commit_date}), the commit in force "
            f"on {info.as_of}{history}. The commit is pinned, so the release is rebuilt byte for "
            "byte from the same source by `python -m tfhub_dataset build`."
        ),
        preprocessing=(
            "The repository's files are parsed, never executed, by pure functions over their "
            "bytes; every quirk met (a missing field, an unknown tag, a malformed line) is kept "
            "as a row of the anomalies table with its file and line rather than silently "
            "dropped or fixed. Text is rendered as a reader saw it (CommonMark). Rows are sorted "
            "by key; the tables are validated against their Table Schemas, foreign keys "
            "included, before the release is written."
        ),
        annotation=(
            "One judgement is curated by hand: each publisher's type (individual or "
            "organization), with one line of evidence per publisher taken from its own pages "
            "(publishers.type_evidence). Everything else is read from the files."
        ),
        limitations=(
            f"The release describes what the repository held at one commit, not what users "
            f"saw on {h.site} at every moment nor how often models were used: it holds no "
            "download or usage counts. Dates are commit dates of the published branch, which "
            "can be later than a model's first publication elsewhere. Publisher types are a "
            "judgement from public pages. Counts follow the conventions written in each table's "
            "schema description; the README compares them with other conventions where they "
            "differ."
        ),
        biases=(
            f"The release covers one hub's official repository: publishers who published "
            f"elsewhere are absent, and the {n(publishers)} publishers are dominated by a few "
            "large organizations (see the README's top publishers), so per-publisher averages "
            "are skewed; medians and shares are given beside them. Publisher types are binary "
            "and decided from self-description."
        ),
        personal=(
            f"The publishers table names {n(individuals)} individual publishers (of "
            f"{n(publishers)}) by the display name they chose in their public pages, and the "
            "link tables keep the URLs those pages give"
            + (
                f": {n(facts.individuals_with_contact)} individuals give a direct contact "
                f"({reached})"
                if reached
                else ""
            )
            + ". No e-mail address, person name or hash of either is taken from the git "
            "history; commit authors are not in the tables. Nothing sensitive (health, "
            "ethnicity, beliefs) is collected. A person named in the release can ask for a "
            f"correction or the removal of their rows as an issue at {PROJECT_URL}/issues."
        ),
        use_cases=(
            "Research on model hubs and their publishers (mining software repositories, CSCW, "
            "ML ecosystems): descriptive statistics, comparisons between hubs and over time, "
            "reproducing and extending published figures; teaching with a small, documented, "
            "relational data set."
        ),
        out_of_scope=(
            "Ranking or judging individual people, contacting or profiling them, or joining "
            "them with other personal data; inferring model quality or popularity (the release "
            "has no usage data); treating the commit dates as publication dates; training "
            "models on the people's texts."
        ),
        social_impact=(
            "Makes the concentration of pre-trained model publishing in a few organizations "
            "measurable and comparable across hubs; individuals appear only as they presented "
            "themselves publicly."
        ),
        maintenance=(
            f"Maintained by the tfhub-dataset contributors at {PROJECT_URL}: errors and "
            "removal requests are issues there. A correction is a new version of the release "
            "(Data Package Version recipe: patch for corrections, minor for added rows, major "
            "for schema changes), listed in CHANGES.md; `python -m tfhub_dataset verify` "
            "rebuilds every release and proves it byte for byte."
        ),
        distribution=(
            f"In the repository {PROJECT_URL} (releases/{info.release_id}/), as one zip "
            "archive per release with its deposit metadata (`python -m tfhub_dataset archive`), "
            "under the Apache License 2.0 (see LICENSE for what it covers)."
        ),
    )
