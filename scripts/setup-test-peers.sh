#!/usr/bin/env bash
# Installs the real protocol peers the test suite talks to (Debian packages) and makes sure Redis
# answers at 127.0.0.1:6379. Needs root for apt-get; does nothing that is already in place.
set -euo pipefail
need=()
[ -x /usr/sbin/slapd ] || need+=(slapd)
command -v ldapsearch >/dev/null 2>&1 || need+=(ldap-utils)
/usr/bin/python3 -c 'import ldap3' >/dev/null 2>&1 || need+=(python3-ldap3)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/sbin/apache2 ] && [ -f /usr/lib/apache2/modules/mod_authnz_ldap.so ] || need+=(apache2)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -x /usr/bin/systemd-analyze ] || need+=(systemd)   # the unit file's security and verify tests
[ -x /usr/bin/chromium ] || need+=(chromium)   # the console's browser tests (playwright-core drives it)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting redis-server on 127.0.0.1:6379"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
echo "test peers ready: slapd $(/usr/sbin/slapd -VV 2>&1 | grep -o 'slapd [0-9.]*' | head -1), redis $(redis-cli -h 127.0.0.1 ping)"
