"""members: the tenant owner. Cooperatives, their credentials, members and activities."""
