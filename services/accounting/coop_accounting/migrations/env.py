from coop_accounting.orm import Base
from coop_shared.storage.migrations import run_env

run_env(Base.metadata)
