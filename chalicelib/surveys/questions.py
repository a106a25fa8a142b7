"""A survey's questions (each kind's standard set, then the department's own) and what a response
to them becomes: each answer checked against its question (a 400 naming it), and the feedback
fields the answers give (A-11 drivers, CSAT, NPS, CES, the Touchpoints answer columns). Pure.

The A-11 sets ask as GSA Touchpoints does: `question_1` (thumbs up/down, or a 1-5 Likert rating),
`question_2` (drivers: after a thumbs up, or a rating of 4 or 5, the ones that went well; otherwise
the ones that did not) and `question_4` (free text)."""
from __future__ import annotations

from typing import Any, Mapping

from chalicelib.core.errors import BadRequest

DRIVERS = ("effectiveness", "ease", "efficiency", "transparency", "humanity", "employee", "other")
A11_DRIVER = {"effectiveness": "effectiveness", "ease": "ease", "efficiency": "efficiency",
              "transparency": "transparency", "humanity": "humanity", "employee": "employee_helpfulness"}
MAX_TEXT = 2000


def _t(en: str, es: str) -> dict[str, str]:
    return {"en": en, "es": es}


_DRIVER_TEXT = {
    "effectiveness": (_t("I got what I needed", "Obtuve lo que necesitaba"),
                      _t("I did not get what I needed", "No obtuve lo que necesitaba")),
    "ease": (_t("It was easy to complete", "Fue fácil de completar"),
             _t("It was difficult to complete", "Fue difícil de completar")),
    "efficiency": (_t("It took a reasonable amount of time", "Tomó un tiempo razonable"),
                   _t("It took too long", "Tomó demasiado tiempo")),
    "transparency": (_t("It was clear what to do", "Estaba claro qué hacer"),
                     _t("It was unclear what to do", "No estaba claro qué hacer")),
    "humanity": (_t("I was treated fairly and with respect", "Me trataron con justicia y respeto"),
                 _t("I was not treated fairly or with respect", "No me trataron con justicia ni respeto")),
    "employee": (_t("Employees were helpful", "Los empleados fueron útiles"),
                 _t("Employees were not helpful", "Los empleados no fueron útiles")),
    "other": (_t("Something else", "Otra cosa"), _t("Something else", "Otra cosa")),
}
_COMMENT = _t("Is there anything else you would like to tell us? Please do not include personal information.",
              "¿Hay algo más que quiera decirnos? No incluya información personal.")


def _q(qid: str, kind: str, text: dict, required: bool = False, scale: tuple[int, int] | None = None,
       options: list[dict] | None = None) -> dict[str, Any]:
    return {"id": qid, "kind": kind, "text": text, "required": required,
            "scale": {"min": scale[0], "max": scale[1]} if scale else None, "options": options}


_DRIVERS_Q = _q("question_2", "drivers", _t("What stood out? Choose any that apply.",
                                            "¿Qué destacó? Elija todas las que correspondan."),
                options=[{"value": d, "positive": p, "negative": n} for d, (p, n) in _DRIVER_TEXT.items()])
STANDARD: dict[str, list[dict[str, Any]]] = {
    "a11_thumbs": [_q("question_1", "thumbs", _t("Overall, I am satisfied with my experience.",
                                                  "En general, estoy satisfecho con mi experiencia."), True),
                   _DRIVERS_Q, _q("question_4", "text", _COMMENT)],
    "a11_likert": [_q("question_1", "rating", _t("I am satisfied with the service I received.",
                                                  "Estoy satisfecho con el servicio que recibí."), True, (1, 5)),
                   _DRIVERS_Q, _q("question_4", "text", _COMMENT)],
    "csat": [_q("csat", "rating", _t("How satisfied are you with the service you received?",
                                     "¿Qué tan satisfecho está con el servicio que recibió?"), True, (1, 5)),
             _q("comment", "text", _COMMENT)],
    "nps": [_q("nps", "rating", _t("How likely are you to recommend this service to a friend or colleague?",
                                   "¿Qué probabilidad hay de que recomiende este servicio a un amigo o colega?"),
               True, (0, 10)), _q("comment", "text", _COMMENT)],
    "ces": [_q("ces", "rating", _t("The service made it easy for me to do what I needed to do.",
                                   "El servicio me facilitó hacer lo que necesitaba hacer."), True, (1, 7)),
            _q("comment", "text", _COMMENT)],
}


def own_questions(own: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The department's questions as read: ids `own_1`.. in order; choice options valued `1`..`n`."""
    found = []
    for number, q in enumerate(own, start=1):
        options = None
        if q["kind"] == "choice":
            options = [{"value": str(i), "text": text} for i, text in enumerate(q["options"], start=1)]
        scale = q.get("scale") or ({"min": 1, "max": 5} if q["kind"] == "rating" else None)
        found.append({"id": f"own_{number}", "kind": q["kind"], "text": q["text"], "required": q["required"],
                      "scale": scale, "options": options})
    return found


def questions_of(kind: str, own: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [*STANDARD[kind], *own_questions(own)]


def missing_translations(title: Mapping[str, Any], own: list[Mapping[str, Any]]) -> str | None:
    """The first field a Spanish survey lacks its Spanish text in (None: nothing lacks it)."""
    if not title.get("es"):
        return "title.es"
    for i, q in enumerate(own):
        if not q["text"].get("es"):
            return f"questions.{i}.text.es"
        for j, option in enumerate(q.get("options") or []):
            if not option.get("es"):
                return f"questions.{i}.options.{j}.es"
    return None


# --- a response ------------------------------------------------------------------------------------

def _bad(qid: str, message: str) -> BadRequest:
    return BadRequest.for_field(f"answers.{qid}", message)


def _check(q: Mapping[str, Any], value: Any, first: Any) -> Any:
    qid, kind = q["id"], q["kind"]
    if kind == "thumbs":
        if value not in ("up", "down"):
            raise _bad(qid, "answer `up` or `down`")
        return value
    if kind == "rating":
        low, high = q["scale"]["min"], q["scale"]["max"]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _bad(qid, f"answer a whole number from {low} to {high}")
        return value
    if kind == "drivers":
        if not isinstance(value, list) or any(v not in DRIVERS for v in value) or len(set(value)) != len(value):
            raise _bad(qid, f"answer a list of distinct drivers among {', '.join(DRIVERS)}")
        if value and first is None:
            raise _bad(qid, "answer question_1 first: the drivers are what went well or not")
        return value
    if kind == "choice":
        values = [o["value"] for o in q["options"]]
        if value not in values:
            raise _bad(qid, f"answer one of the option values {', '.join(values)}")
        return value
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise _bad(qid, f"answer text of at most {MAX_TEXT} characters")
    return value.strip()


def validate(questions: list[Mapping[str, Any]], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers checked against the questions, in question order (empty text dropped)."""
    known = {q["id"]: q for q in questions}
    for qid in answers:
        if qid not in known:
            raise _bad(qid, "this survey asks no such question")
    first = answers.get("question_1")
    found: dict[str, Any] = {}
    for q in questions:
        value = answers.get(q["id"])
        if value is not None:
            value = _check(q, value, first)
        if value in (None, "", []):
            if q["required"]:
                raise _bad(q["id"], "this question must be answered")
            continue
        found[q["id"]] = value
    return found


def _positive(kind: str, first: Any) -> bool:
    return first == "up" if kind == "a11_thumbs" else int(first) >= 4


def feedback_fields(kind: str, questions: list[Mapping[str, Any]], answers: Mapping[str, Any]) -> dict[str, Any]:
    """What validated answers give the feedback record: scores, Touchpoints' answer columns for an
    A-11 kind, and the free text (joined, to be redacted with every comment)."""
    data: dict[str, Any] = {}
    if kind in ("a11_thumbs", "a11_likert"):
        first = answers.get("question_1")
        chosen = set(answers.get("question_2") or [])
        scores: dict[str, int] = {}
        columns = {f"{side}_{d}": "" for side in ("positive", "negative") for d in DRIVERS}
        if first is not None:
            positive = _positive(kind, first)
            scores["satisfaction"] = (5 if first == "up" else 1) if kind == "a11_thumbs" else int(first)
            side = "positive" if positive else "negative"
            for driver in DRIVERS:
                columns[f"{side}_{driver}"] = "1" if driver in chosen else "0"
                if driver in chosen and driver in A11_DRIVER:
                    scores[A11_DRIVER[driver]] = 5 if positive else 1
            question_1 = ("1" if first == "up" else "0") if kind == "a11_thumbs" else str(first)
        else:
            question_1 = ""
        data["survey"] = {"question_1": question_1, **columns}
        if scores:
            data["a11"] = scores
    for name in ("csat", "nps", "ces"):
        if kind == name and name in answers:
            data[name] = answers[name]
    texts = [answers[q["id"]] for q in questions if q["kind"] == "text" and q["id"] in answers]
    if texts:
        data["comment"] = "\n\n".join(texts)
    return data
