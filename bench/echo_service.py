"""The bus's own limit: a nameko service that does nothing but answer (no database, no
credential). Every figure of the suite is compared with this one measured in the same run."""

from nameko.rpc import rpc


class EchoService:
    name = "echo"

    @rpc
    def echo(self, payload):
        return payload
