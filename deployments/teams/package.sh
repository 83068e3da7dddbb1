#!/bin/sh
# Packages the Teams app: manifest.json (placeholders filled in) with its two
# icons, zipped flat, ready to upload in Teams ("Upload a custom app") or in
# the Teams admin center.
#
#   MICROSOFT_APP_ID=<azure bot app id> ALSBOT_HOST=bot.example.org \
#     deployments/teams/package.sh [out.zip]
#
# ALSBOT_APP_VERSION (default 1.0.0) must grow with each upload of a changed
# package.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-alsbot-teams.zip}
version=${ALSBOT_APP_VERSION:-1.0.0}

die() { echo "package.sh: $*" >&2; exit 1; }

[ -n "${MICROSOFT_APP_ID:-}" ] || die "set MICROSOFT_APP_ID to the Azure Bot's Microsoft App ID"
[ -n "${ALSBOT_HOST:-}" ] || die "set ALSBOT_HOST to the public host name of the bot (no https://, no path), e.g. bot.example.org"
echo "$MICROSOFT_APP_ID" | grep -Eq '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' ||
	die "MICROSOFT_APP_ID must be a GUID such as 00000000-0000-0000-0000-000000000000"
echo "$ALSBOT_HOST" | grep -Eq '^[A-Za-z0-9.-]+(:[0-9]+)?$' ||
	die "ALSBOT_HOST must be a host name only, e.g. bot.example.org"
echo "$version" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+$' || die "ALSBOT_APP_VERSION must look like 1.0.0"
command -v zip >/dev/null || die "zip is not installed"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sed -e "s/{{MICROSOFT_APP_ID}}/$MICROSOFT_APP_ID/g" \
	-e "s/{{ALSBOT_HOST}}/$ALSBOT_HOST/g" \
	-e "s/{{ALSBOT_APP_VERSION}}/$version/g" \
	"$here/manifest.json" >"$work/manifest.json"
if grep -q '{{' "$work/manifest.json"; then
	die "manifest.json still has a placeholder: $(grep -o '{{[A-Z_]*}}' "$work/manifest.json" | sort -u | tr '\n' ' ')"
fi
cp "$here/color.png" "$here/outline.png" "$work/"

case $out in /*) ;; *) out="$PWD/$out" ;; esac
rm -f "$out"
(cd "$work" && zip -q -X "$out" manifest.json color.png outline.png)
echo "wrote $out (app id $MICROSOFT_APP_ID, host $ALSBOT_HOST, version $version)"
