#!/usr/bin/env bash
# Refreshes the vendored GOV.UK Frontend under static/govuk-frontend/ from the npm package,
# so that a fresh machine needs no Node: run this only to change the version, then commit.
#   scripts/vendor-govuk-frontend.sh [VERSION]
set -euo pipefail
version="${1:-5.14.0}"
top="$(cd "$(dirname "$0")/.." && pwd)"
dest="$top/static/govuk-frontend"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "govuk-frontend@$version" >/dev/null && tar -xzf govuk-frontend-*.tgz)
dist="$work/package/dist/govuk"

rm -rf "$dest"
mkdir -p "$dest"
cp "$dist/govuk-frontend.min.css" "$dist/govuk-frontend.min.js" "$dest/"
cp -r "$dist/assets" "$dest/assets"
rm -rf "$dest/assets/rebrand"
# The package ships no licence file; its package.json declares MIT, Crown Copyright (GDS).
license="$(node -p "require('$work/package/package.json').license")"
cat > "$dest/LICENSE.txt" <<LICENSE
govuk-frontend $version, licence: $license
(package.json of the npm package govuk-frontend; source: the alphagov/govuk-frontend repository)

The MIT License (MIT)

Copyright (c) 2018 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

The GDS Transport font in assets/fonts may be used only on services on the service.gov.uk domain.
LICENSE
# The precompiled CSS points at /assets/; make those URLs relative to the stylesheet so the
# files are served (and fingerprinted) from static/ like everything else.
sed -i 's#url(/assets/#url(assets/#g' "$dest/govuk-frontend.min.css"
# The package's source maps are not vendored: drop the comments that point at them, or
# collectstatic's manifest storage stops on the missing .map files (a production build fails).
sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##g' "$dest/govuk-frontend.min.css"
sed -i 's#//\# sourceMappingURL=.*$##' "$dest/govuk-frontend.min.js"
echo "$version" > "$dest/VERSION"
echo "Vendored govuk-frontend $version into static/govuk-frontend/"
