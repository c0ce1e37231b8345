#!/bin/sh
# Runs once, when the PostgreSQL container initialises its data: the two roles of docs/operations.md "Database roles".
# wallet_owner owns the database and every table (the wallet migrates as it); wallet_app is what the server serves as,
# with the row rights the migrator grants it and nothing more.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE wallet_owner LOGIN PASSWORD '${WALLET_OWNER_PASSWORD}';
CREATE ROLE wallet_app LOGIN PASSWORD '${WALLET_APP_PASSWORD}';
ALTER DATABASE "${POSTGRES_DB}" OWNER TO wallet_owner;
ALTER SCHEMA public OWNER TO wallet_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
