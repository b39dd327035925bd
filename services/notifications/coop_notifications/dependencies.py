"""nameko dependencies of the notifications service: its settings, its channel plugins and its
template workers."""

from nameko.extensions import DependencyProvider

from coop_notifications import rendering
from coop_notifications.channels import load_channels
from coop_notifications.settings import DeliverySettings


class DeliveryConfig(DependencyProvider):
    """The service's `DeliverySettings`, read once per container."""

    def setup(self):
        self.settings = DeliverySettings.of(self.container)

    def get_dependency(self, worker_ctx):
        return self.settings


class Channels(DependencyProvider):
    """The installed channels (entry points), configured once when the service starts; those
    that keep connections open (e-mail's SMTP pool) close them when it stops."""

    def setup(self):
        self.channels = load_channels(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.channels

    def stop(self):
        for channel in self.channels.values():
            close = getattr(channel, "close", None)
            if close is not None:
                close()

    kill = stop


class TemplateWorkers(DependencyProvider):
    """The process's pool of bounded template workers (rendering/), started with the
    container's limits (COOP_TEMPLATE_*) and closed when the last container stops."""

    def setup(self):
        self.limits = rendering.limits_of(self.container.config)
        self.started = False

    def start(self):
        rendering.configure(self.limits)
        self.started = True

    def stop(self):
        if self.started:
            self.started = False
            rendering.release()

    kill = stop
