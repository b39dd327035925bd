"""A nameko timer whose interval is a setting (config first, then the environment), so
operators tune polling and tests run it fast without another code path."""

from nameko.timer import Timer

from coop_shared.settings import lookup


class SettingsTimer(Timer):
    def __init__(self, setting: str, default: float, **kwargs):
        self.setting, self.default = setting, default
        super().__init__(interval=float(default), **kwargs)

    def setup(self):
        self.interval = float(lookup(self.container.config, self.setting, self.default))
        super().setup()


settings_timer = SettingsTimer.decorator
