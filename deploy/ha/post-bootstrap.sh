#!/bin/sh
# Patroni's post_bootstrap: runs once, on the node that initialises the cluster, with a superuser connection string
# as its argument. It makes the wallet's database and the two roles of docs/operations.md "Database roles":
# wallet_owner owns the database (the wallet migrates as it), wallet_app serves with row rights only.
set -eu
: "${WALLET_OWNER_PASSWORD:?set WALLET_OWNER_PASSWORD}" "${WALLET_APP_PASSWORD:?set WALLET_APP_PASSWORD}"
psql -v ON_ERROR_STOP=1 "$1" <<SQL
CREATE ROLE rewinder LOGIN PASSWORD '${PATRONI_REWIND_PASSWORD:-rewinder}';
GRANT EXECUTE ON function pg_catalog.pg_ls_dir(text, boolean, boolean) TO rewinder;
GRANT EXECUTE ON function pg_catalog.pg_stat_file(text, boolean) TO rewinder;
GRANT EXECUTE ON function pg_catalog.pg_read_binary_file(text) TO rewinder;
GRANT EXECUTE ON function pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean) TO rewinder;
CREATE ROLE wallet_owner LOGIN PASSWORD '${WALLET_OWNER_PASSWORD}';
CREATE ROLE wallet_app LOGIN PASSWORD '${WALLET_APP_PASSWORD}';
CREATE DATABASE wallet OWNER wallet_owner;
\\connect wallet
ALTER SCHEMA public OWNER TO wallet_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
