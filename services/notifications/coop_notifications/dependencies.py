"""nameko dependencies of the notifications service: its settings and its channel plugins."""

from nameko.extensions import DependencyProvider

from coop_notifications.channels import load_channels
from coop_notifications.settings import DeliverySettings


class DeliveryConfig(DependencyProvider):
    """The service's `DeliverySettings`, read once per container."""

    def setup(self):
        self.settings = DeliverySettings.of(self.container)

    def get_dependency(self, worker_ctx):
        return self.settings


class Channels(DependencyProvider):
    """The installed channels (entry points), configured once when the service starts."""

    def setup(self):
        self.channels = load_channels(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.channels
