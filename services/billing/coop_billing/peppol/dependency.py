"""The nameko dependency giving billing's workers the Peppol settings (read once per container)."""

from nameko.extensions import DependencyProvider

from coop_billing.peppol.config import PeppolConfig


class PeppolNetwork(DependencyProvider):
    def setup(self):
        self.config = PeppolConfig.load(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.config
