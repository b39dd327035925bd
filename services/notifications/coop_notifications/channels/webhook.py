"""Webhooks: the event as JSON, POSTed and signed (domain/signing.py). Any 2xx is a delivery;
redirects are not followed, so a registered URL cannot bounce the call to another host or to
a port refused at registration (domain/webhook_urls.py)."""

from __future__ import annotations

import urllib.error
import urllib.request

from coop_notifications.channels import DeliveryError, Message
from coop_shared.settings import lookup


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class WebhookChannel:
    key = "webhook"

    def configure(self, config: dict) -> None:
        self.timeout = float(lookup(config, "COOP_WEBHOOK_TIMEOUT_SECONDS", "10"))
        self.opener = urllib.request.build_opener(_NoRedirect())

    def send(self, message: Message) -> str:
        request = urllib.request.Request(
            message.address,
            data=message.body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "coop-notifications/1",
                **message.headers,
            },
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"HTTP {exc.code} from {message.address}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"{message.address}: {type(exc).__name__}: {exc}") from None
        if not 200 <= status < 300:
            raise DeliveryError(f"HTTP {status} from {message.address}")
        return f"HTTP {status}"
