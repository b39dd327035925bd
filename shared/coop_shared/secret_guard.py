"""A service container refuses to start with a secret copied from an example.

`deploy/.env.example` and the README show placeholder secrets (`change-me-platform-key`,
`change-me-postgres`, ...). An operator who copies the file and forgets one line would run a
platform whose keys anyone can read in the repository; `coop serve` therefore stops before it
connects to anything, with one line naming the setting (issue 16, point 7;
docs/adr/022-deployment-least-privilege.md).

Checked: every setting that is a secret by itself, and the password inside every URL setting
(broker, management API, databases). RabbitMQ's own `guest` is not refused: the broker accepts
it from loopback only, which is how the tests and `coop run` on a laptop use it.
"""

from __future__ import annotations

import os
import urllib.parse

# Placeholders of deploy/.env.example and the README, and their usual spellings.
EXAMPLE_PREFIXES = ("change-me", "changeme", "change_me")
# Values no operator chose: the words documentation uses when it shows where a secret goes.
EXAMPLE_VALUES = frozenset({"password", "secret", "example", "admin", "default", "xxx", "todo"})

SECRET_SETTINGS = (
    "COOP_PLATFORM_KEY",
    "COOP_SERVICE_KEY",
    "COOP_SERVICE_KEY_PREVIOUS",
    "COOP_DATA_KEY",
    "COOP_DATA_OLD_KEYS",
    "SMTP_PASSWORD",
    "COOP_WEB_SECRET_KEY",
    "RABBITMQ_PASSWORD",
    "POSTGRES_PASSWORD",
)
URL_SETTINGS = ("AMQP_URI", "COOP_RABBIT_MANAGEMENT")
URL_SUFFIXES = ("_DATABASE_URL", "_AMQP_URI")  # each service's database; each service's broker user


def _published_values() -> frozenset[str]:
    """Secrets whose value is written in the code itself (the development data key)."""
    from coop_shared import settings

    development = getattr(settings, "DEVELOPMENT_DATA_KEY", None)
    return frozenset({development.lower()} if development else ())


def is_example(value: str) -> bool:
    """True for a placeholder secret: `change-me…` in any case, a documentation word, or a value
    published in the code. A key list (`id:secret,id:secret`) is checked part by part."""
    text = value.strip().lower()
    if text in _published_values():
        return True
    if text in EXAMPLE_VALUES:
        return True
    parts = {text} | {p.strip() for p in text.replace(",", ":").split(":") if p.strip()}
    return any(p.startswith(EXAMPLE_PREFIXES) for p in parts)


def _url_password(url: str) -> str | None:
    try:
        return urllib.parse.urlsplit(url).password
    except ValueError:  # not a URL: nothing to read a password from
        return None


def example_secrets(config: dict | None = None, environ=None) -> list[str]:
    """The names of the settings (nameko config first, then the environment, as
    `coop_shared.settings.lookup` reads them) that hold an example secret, in a stable order."""
    environ = os.environ if environ is None else environ
    merged = {**{k: v for k, v in environ.items()}, **{k: v for k, v in (config or {}).items() if v}}
    found = []
    for name in SECRET_SETTINGS:
        value = merged.get(name)
        if isinstance(value, str) and value and is_example(value):
            found.append(name)
    url_names = list(URL_SETTINGS) + sorted(n for n in merged if n.endswith(URL_SUFFIXES))
    for name in url_names:
        value = merged.get(name)
        password = _url_password(value) if isinstance(value, str) else None
        if password and is_example(urllib.parse.unquote(password)):
            found.append(name)
    return found


def refusal(config: dict | None = None, environ=None) -> str | None:
    """The one line an operator reads when a secret is an example, else None."""
    found = example_secrets(config, environ)
    if not found:
        return None
    return (
        f"refusing to start: {', '.join(found)} holds an example value (from deploy/.env.example "
        "or the docs); set a secret of your own"
    )
