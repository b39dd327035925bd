#!/bin/sh
# Start RabbitMQ with the committed definitions plus the operator's user from the environment.
# Importing definitions at boot skips RabbitMQ's default user, so the user must be in them; the
# password comes from .env and is never committed.
set -eu
: "${RABBITMQ_USER:?set RABBITMQ_USER in .env}" "${RABBITMQ_PASSWORD:?set RABBITMQ_PASSWORD in .env}"
user="{\"name\": \"$RABBITMQ_USER\", \"password\": \"$RABBITMQ_PASSWORD\", \"tags\": [\"administrator\"]}"
grant="{\"user\": \"$RABBITMQ_USER\", \"vhost\": \"coop\", \"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"}"
# The committed definitions hold the services' users (no password: `coop topology` sets them
# from each service's URI) and their least-privilege permissions (`coop broker-users
# --definitions`); the operator is the one administrator, added first to each list.
sed -e "s|\"users\": \[|\"users\": [$user,|" -e "s|\"permissions\": \[|\"permissions\": [$grant,|" \
    /etc/coop/definitions.json > /tmp/coop-definitions.json
exec docker-entrypoint.sh rabbitmq-server
