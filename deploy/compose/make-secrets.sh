#!/usr/bin/env sh
# Creates the secret files docker-compose.production.yml reads, with fresh random values, in the folder given
# (default /etc/harbor/secrets). Never overwrites: rotate one secret by replacing its file (docs/operations.md).
# Compose mounts secret files with their owner and mode as they are on the host, so each file is made readable
# (0400) by the one user that reads it: uid 1000 (the image's node user) for Harbor's, uid 999 (postgres in the
# postgres image) for the database password. Run it as root.
set -eu
dir=${1:-/etc/harbor/secrets}
umask 077
mkdir -p "$dir"
write() { # name value [uid]
  if [ -e "$dir/$1" ]; then echo "kept     $dir/$1"; return; fi
  printf '%s' "$2" > "$dir/$1"
  chmod 0400 "$dir/$1"
  chown "${3:-1000}:${3:-1000}" "$dir/$1" || echo "warning: could not chown $dir/$1 to ${3:-1000}; the container cannot read it" >&2
  echo "created  $dir/$1"
}
random() { openssl rand -hex 32; }

postgres_password=$(cat "$dir/postgres_password" 2>/dev/null || random)
write postgres_password "$postgres_password" 999
write database_url "postgres://harbor:${postgres_password}@postgres:5432/harbor"
write notify_link_secret "$(random)"
write intake_form_secret "$(random)"
write reporting_hash_key "$(random)"
write console_session_secret "$(random)"
# Edit: the console's client secret at the hospital's OpenID Connect provider (docs/console.md).
write console_oidc_client_secret ""
# Edit: one entry per system allowed to submit triggers over HTTP (docs/intake.md, "Source authentication").
write intake_source_systems "[{\"id\": \"incident-reporting\", \"hmacSecrets\": [\"$(random)\"]}]"
# Providers: fill in the ones you use; an empty file leaves that channel kind unconfigured.
write twilio_auth_token ""
write smtp_url ""
write wctp_security_code ""
write pagerduty_routing_key ""
echo "Secrets are in $dir. Fill in the provider files you use, then start: docker compose -f docker-compose.production.yml up -d --build"
