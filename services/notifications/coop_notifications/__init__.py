"""notifications: e-mail and webhooks for business events, delivered once."""
