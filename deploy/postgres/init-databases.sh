#!/bin/sh
# One database per service, owned by the application user (run once by the postgres image
# when its data folder is empty).
set -eu
for service in members billing payroll notifications accounting; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
       -c "CREATE DATABASE coop_${service} OWNER \"${POSTGRES_USER}\""
done
