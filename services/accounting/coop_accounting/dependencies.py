"""nameko dependency of the accounting service: its export plugins, loaded once."""

from nameko.extensions import DependencyProvider

from coop_accounting.exports import load_exports


class Exports(DependencyProvider):
    """The installed export formats (entry points), loaded once when the service starts."""

    def setup(self):
        self.exports = load_exports()

    def get_dependency(self, worker_ctx):
        return self.exports
