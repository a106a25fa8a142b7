"""Key formats of the v1.2 capabilities (DESIGN.md, "Additions to the API contract (v1.2)"):
surveys, assessments, peers, the surge watch. The rest are in keys.py; tenant partition keys start with the
department id, org-level ones with `ORG#` or `PEER#`."""


# --- surveys collected first-hand (issue 30) ---
def surveys_pk(dept: str) -> str:
    return f"{dept}#SURVEY"


def survey_sk(survey_id: str) -> str:
    return f"SURVEY#{survey_id}"


def survey_rate_pk(dept: str, client_hash: str) -> str:
    return f"{dept}#SRVRATE#{client_hash}"


def survey_response_pk(dept: str, survey_id: str, month: str) -> str:
    return f"{dept}#SRVRESP#{survey_id}#{month}"
# --- assessments (issue 28) ---
# Uploaded framework libraries are org-level (`ORG#...`); assessments live under the department.
ORG_FRAMEWORKS = "FRAMEWORK"
ASSESSMENT_PREFIX = "ASMT#"
ANSWER_PREFIX = "ANS#"


def framework_pk(framework_id: str) -> str:
    return f"ORG#FRAMEWORK#{framework_id}"


def framework_sk(version: str) -> str:
    return f"V#{version}"


def assessments_pk(dept: str) -> str:
    return f"{dept}#ASMT"


def assessment_sk(assessment_id: str) -> str:
    return f"{ASSESSMENT_PREFIX}{assessment_id}"


def assessment_org_pk(framework_id: str) -> str:
    """`by_org` partition of every assessment against one framework (the org summary's read)."""
    return f"ASMT#{framework_id}"


def assessment_org_sk(dept: str, as_of: str, assessment_id: str) -> str:
    return f"{dept}#{as_of}#{assessment_id}"


def assessment_children_pk(dept: str, assessment_id: str) -> str:
    """An assessment's answers (`ANS#{ref}`) and its chained history (`H#{seq}`)."""
    return f"{dept}#ASMT#{assessment_id}"


def answer_sk(ref: str) -> str:
    return f"{ANSWER_PREFIX}{ref}"


EVIDENCE_OF_ASSESSMENT_PREFIX = "EVID#"


def assessment_evidence_sk(evidence_id: str) -> str:
    return f"{EVIDENCE_OF_ASSESSMENT_PREFIX}{evidence_id}"


def assessment_evidence_object_key(dept: str, assessment_id: str, evidence_id: str) -> str:
    """In the evidence bucket, under the department's prefix as every evidence file."""
    return f"{dept}/assessments/{assessment_id}/{evidence_id}"


# --- peers outside the organisation (issue 29) ---
# Peer data is not tenant data: every partition starts with `PEER#`, which no department id can
# (ids are lower-case), so no department's listing, rollup or key condition ever reaches it.
ORG_PEER_SETS = "PEER_SET"
PEER_SET_SK = "SET"
PEER_ROW_SK = "ROW"
PEER_MAPPING_SK = "PEERMAP"
# An import job's owner for a peer set's uploads (in the place of a department id, upper case so
# it can never be one): the job item's partition and its object keys carry it.
PEER_JOB_OWNER_PREFIX = "PEERSET-"


def peer_set_pk(peer_set_id: str) -> str:
    return f"PEER#SET#{peer_set_id}"


def peer_set_org_sk(created_at: str, peer_set_id: str) -> str:
    return f"{created_at}#{peer_set_id}"


def peer_mapping_pk(dept: str) -> str:
    return f"{dept}#PEERMAP"


def peer_job_owner(peer_set_id: str) -> str:
    return f"{PEER_JOB_OWNER_PREFIX}{peer_set_id}"


def peer_row_pk(peer_set_id: str, source_id: str) -> str:
    """The guard of one source row (keyed by the source id, so a re-upload finds it)."""
    import hashlib

    digest = hashlib.sha256(source_id.encode()).hexdigest()[:40]
    return f"PEER#{peer_set_id}#SRC#{digest}"


def peer_parts_pk(peer_set_id: str) -> str:
    """The catalogue of a set's value partitions: sk `{month}#{part}`."""
    return f"PEER#{peer_set_id}#PARTS"


def peer_part_sk(month: str, part: str) -> str:
    return f"{month}#{part}"


def peer_values_pk(peer_set_id: str, month: str, part: str) -> str:
    """One month of one group (or one group's service type): a row's value items sort by close time."""
    return f"PEER#{peer_set_id}#V#{month}#{part}"


def peer_closed_sk(seconds: int, row: str) -> str:
    return f"C#{seconds:012d}#{row}"


def peer_open_sk(row: str) -> str:
    return f"O#{row}"


def peer_response_sk(row: str) -> str:
    return f"R#{row}"


# --- second look: review plans and samples (issue 26) ---
ORG_REVIEW_LATEST = "REVIEWLATEST"
REVIEW_LATEST_SK = "REVIEW#LATEST"


def reviews_pk(dept: str) -> str:
    return f"{dept}#REVIEW"


def review_plan_sk(plan_id: str) -> str:
    return f"PLAN#{plan_id}"


def review_samples_prefix(plan_id: str) -> str:
    return f"SAMPLE#{plan_id}#"


def review_sample_sk(plan_id: str, sample_id: str) -> str:
    return f"{review_samples_prefix(plan_id)}{sample_id}"


def review_period_sk(plan_id: str, period: str) -> str:
    return f"PERIOD#{plan_id}#{period}"


def review_entries_pk(dept: str, sample_id: str) -> str:
    return f"{dept}#RVS#{sample_id}"


def review_entry_sk(feedback_id: str) -> str:
    return f"I#{feedback_id}"


def review_queue_org_pk(role: str) -> str:
    """`by_org` partition of the open samples awaiting `role`'s verdicts."""
    return f"REVIEWOPEN#{role}"


def review_queue_org_sk(dept: str, period: str, sample_id: str) -> str:
    return f"{dept}#{period}#{sample_id}"


def review_history_pk(dept: str, plan_id: str) -> str:
    """A review plan's history chain (HistoryItem entries, `H#{seq}`), picked up by the ledger."""
    return f"{dept}#REVIEWPLAN#{plan_id}"


# --- surge watch (issue 27) ---
ORG_ALERTS = "ALERT"
ORG_OPEN_ALERTS = "ALERT_OPEN"


def alerts_pk(dept: str) -> str:
    return f"{dept}#ALERT"


def alert_sk(alert_id: str) -> str:
    return f"ALERT#{alert_id}"


def alert_open_sk(kind: str, scope: str, key: str) -> str:
    return f"OPEN#{kind}#{scope}#{key}"


def alert_org_sk(alert_id: str, dept: str) -> str:
    return f"{alert_id}#{dept}"
