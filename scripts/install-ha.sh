#!/bin/sh
# Makes sure the high-availability set-up's parts are there for npm run test:failover, from Debian's packages:
# Patroni, etcd and HAProxy (PostgreSQL 15 is expected at /usr/lib/postgresql/15). Never fails the run: where it
# cannot install (not root, no apt-get, no network), it says so and the failover test is skipped with the reason.
need=""
for part in /usr/bin/patroni:patroni /usr/bin/etcd:etcd-server /usr/sbin/haproxy:haproxy /usr/lib/postgresql/15/bin/postgres:postgresql-15; do
  [ -x "${part%%:*}" ] || need="$need ${part#*:}"
done
if [ -z "$need" ]; then
  echo "failover test: using $(patroni --version), etcd $(etcd --version | sed -n 's/^etcd Version: //p'), $(haproxy -v | head -1 | cut -d' ' -f1-3)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "failover test: missing$need and no apt-get here; install them to run it"
  exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "failover test: missing$need, and installing needs root; run: sudo apt-get install$need"
  exit 0
fi
echo "failover test: installing Debian's$need (once)"
export DEBIAN_FRONTEND=noninteractive
# the packages' own services are not started: the test runs its own cluster on free ports
install() { $SUDO apt-get install -y -q --no-install-recommends $need etcd-client >/tmp/install-ha.log 2>&1; }
if install || { $SUDO apt-get update -q >>/tmp/install-ha.log 2>&1 && install; }; then
  echo "failover test: installed$need"
else
  echo "failover test: could not install$need (see /tmp/install-ha.log); it will be skipped"
fi
exit 0
