#!/bin/sh
# One login role per service owning only its own database (run once by the postgres image when
# its data folder is empty). The superuser (POSTGRES_USER) stays the operator's: no service
# receives it (docs/adr/022-deployment-least-privilege.md). Each role's password comes from
# <SERVICE>_DB_PASSWORD; the role is no superuser, creates no database and no role, and no other
# role may connect to its database.
set -eu
for service in members billing payroll notifications accounting; do
  variable=$(echo "${service}_DB_PASSWORD" | tr '[:lower:]' '[:upper:]')
  eval "password=\${$variable:-}"
  if [ -z "$password" ]; then
    echo "init-databases: set $variable (the password of the role coop_$service)" >&2
    exit 1
  fi
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
       -v role="coop_$service" -v password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"role" TO :"role";
SQL
done
