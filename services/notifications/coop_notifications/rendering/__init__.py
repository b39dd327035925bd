"""Bounded rendering of e-mail templates (issue 16, point 3; docs/adr/020-bounded-templates-webhooks-parsers.md).

A cooperative writes its own templates, so a template is untrusted code: the Jinja2 sandbox
(domain/templates.py) limits what it may touch, and this package limits how much it may take.
Every rendering — the save-time check, the preview, each e-mail — runs in a worker process of
a small pool (pool.py) under a CPU-time limit, a memory limit and a wall-clock timeout
(`COOP_TEMPLATE_CPU_SECONDS`, `COOP_TEMPLATE_MEMORY_MB`, `COOP_TEMPLATE_TIMEOUT_SECONDS`,
`COOP_TEMPLATE_WORKERS`). A template past a limit is a `TemplateLimitExceeded`, a
ValidationError: refused when saved, and a delivery that fails for good with a clear
`last_error`, while the service serves every other delivery.

One pool per process: the notifications containers of a process (tests run several) share
it; the first container's settings start it and the last one to stop closes it. Callers
without a container (the command line, handler tests) get a pool with the default limits.
"""

from __future__ import annotations

import atexit
import threading

from coop_notifications.domain import templates
from coop_notifications.rendering.pool import LimitExceeded, Limits, TemplatePool, WorkerFailed
from coop_shared.errors import ValidationError
from coop_shared.settings import lookup

__all__ = ["Limits", "TemplateLimitExceeded", "check", "configure", "email", "limits_of", "release", "render"]

# What staff read, in the three languages of the suite (the delivery log and the save refusal).
LIMIT_TEXTS = {
    "cpu": {
        "en": "the template used more than {cpu:g} s of computing time",
        "fr": "le modèle a utilisé plus de {cpu:g} s de temps de calcul",
        "nl": "het sjabloon gebruikte meer dan {cpu:g} s rekentijd",
    },
    "time": {
        "en": "the template took longer than {wall:g} s to render",
        "fr": "le modèle a mis plus de {wall:g} s à se composer",
        "nl": "het sjabloon had meer dan {wall:g} s nodig",
    },
    "memory": {
        "en": "the template needed more than {memory:g} MB of memory",
        "fr": "le modèle a demandé plus de {memory:g} Mo de mémoire",
        "nl": "het sjabloon vroeg meer dan {memory:g} MB geheugen",
    },
    "output": {
        "en": "the template's text is larger than an e-mail may be",
        "fr": "le texte du modèle dépasse la taille d'un e-mail",
        "nl": "de tekst van het sjabloon is groter dan een e-mail mag zijn",
    },
    "recursion": {
        "en": "the template nests too deeply",
        "fr": "le modèle s'imbrique trop profondément",
        "nl": "het sjabloon is te diep genest",
    },
    "crash": {
        "en": "the template stopped its renderer",
        "fr": "le modèle a arrêté son moteur de rendu",
        "nl": "het sjabloon stopte zijn renderer",
    },
}


class TemplateLimitExceeded(ValidationError):
    """A template past one of its limits; `texts` holds the reason in fr, nl and en. Inside the
    service only: an RPC answer carries it as the ValidationError of the contract (`as_refusal`),
    since only the contract's own error types cross the bus as themselves."""

    def as_refusal(self) -> ValidationError:
        return ValidationError(self.message, self.fields)

    def __init__(self, limit: str, limits: Limits):
        values = {"cpu": limits.cpu_seconds, "wall": limits.wall_seconds, "memory": limits.memory_mb}
        texts = {
            lang: text.format(**values) for lang, text in LIMIT_TEXTS.get(limit, LIMIT_TEXTS["crash"]).items()
        }
        message = f"The template exceeds its limits: {texts['en']} (fr: {texts['fr']}; nl: {texts['nl']})."
        super().__init__(message, {"body": [message]})
        self.limit, self.texts = limit, texts


_lock = threading.Lock()
_pool: TemplatePool | None = None
_users = 0


def limits_of(config) -> Limits:
    """The limits in a container's config (then the environment), read when it starts."""
    default = Limits()
    return Limits(
        cpu_seconds=float(lookup(config, "COOP_TEMPLATE_CPU_SECONDS", str(default.cpu_seconds))),
        memory_mb=float(lookup(config, "COOP_TEMPLATE_MEMORY_MB", str(default.memory_mb))),
        wall_seconds=float(lookup(config, "COOP_TEMPLATE_TIMEOUT_SECONDS", str(default.wall_seconds))),
        workers=int(lookup(config, "COOP_TEMPLATE_WORKERS", str(default.workers))),
    )


def configure(limits: Limits) -> TemplatePool:
    """A container starts: the process's pool, started with `limits` if there is none yet."""
    global _pool, _users
    with _lock:
        if _pool is None:
            _pool = TemplatePool(limits)
        _users += 1
        pool = _pool
    pool.warm()
    return pool


def release() -> None:
    """A container stops: the last one closes the pool (its workers are killed)."""
    global _pool, _users
    with _lock:
        _users = max(0, _users - 1)
        pool = _pool if _users == 0 else None
        if pool is not None:
            _pool = None
    if pool is not None:
        pool.close()


def current() -> TemplatePool:
    global _pool
    with _lock:
        if _pool is None:
            _pool = TemplatePool(Limits())
        return _pool


@atexit.register
def _close_at_exit() -> None:
    if _pool is not None:
        _pool.close()


def _job(kind: str, text: templates.Text, context: dict) -> dict:
    pool = current()
    try:
        answer = pool.run({"kind": kind, "subject": text.subject, "body": text.body, "context": context})
    except LimitExceeded as exc:
        raise TemplateLimitExceeded(exc.limit, exc.limits) from None
    except WorkerFailed as exc:
        raise RuntimeError(f"template rendering is unavailable: {exc}") from None  # retried later
    if not answer.get("ok"):
        raise ValidationError(
            answer.get("message") or "The template does not render.", answer.get("fields") or {}
        )
    return answer


def render(text: templates.Text, context: dict) -> templates.Text:
    """templates.render, bounded."""
    answer = _job("render", text, context)
    return templates.Text(answer["subject"], answer["body"])


def email(text: templates.Text, context: dict) -> templates.Email:
    """templates.email, bounded (TemplateLimitExceeded past a limit)."""
    answer = _job("email", text, context)
    return templates.Email(answer["subject"], answer["text"], answer["html"])


def check(event: str, text: templates.Text) -> None:
    """Refuse, at save time, a template that would not render with every value set of its event
    (templates.value_sets), or that exceeds its limits with any of them."""
    for label, values in templates.value_sets(event):
        context = dict(values, recipient_name=values.get("member_name") or "Amina Diallo")
        try:
            email(text, context)
        except TemplateLimitExceeded as exc:
            raise exc.as_refusal() from None
        except ValidationError as exc:
            message = f"{exc.message} (with {label})"
            fields = {key: [f"{m} (with {label})" for m in messages] for key, messages in exc.fields.items()}
            raise ValidationError(message, fields) from None
