#!/usr/bin/env bash
# Refreshes the vendored MOJ Frontend under static/moj-frontend/ from the npm package, like
# scripts/vendor-govuk-frontend.sh: run this only to change the version, then commit.
#   scripts/vendor-moj-frontend.sh [VERSION]
# The version must be one whose peerDependencies admit static/govuk-frontend/VERSION (decision 0007).
set -euo pipefail
version="${1:-8.0.1}"
top="$(cd "$(dirname "$0")/.." && pwd)"
dest="$top/static/moj-frontend"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "@ministryofjustice/frontend@$version" >/dev/null && tar -xzf ministryofjustice-frontend-*.tgz)
dist="$work/package/moj"
govuk="$(cat "$top/static/govuk-frontend/VERSION")"
echo "@ministryofjustice/frontend $version wants govuk-frontend $(node -p "require('$work/package/package.json').peerDependencies['govuk-frontend']"); vendored: $govuk"

rm -rf "$dest"
mkdir -p "$dest"
cp "$dist/moj-frontend.min.css" "$dist/moj-frontend.min.js" "$dest/"
cp -r "$dist/assets" "$dest/assets"
# The package ships no licence file; its package.json declares MIT, and the
# ministryofjustice/moj-frontend repository's LICENSE gives the terms below.
license="$(node -p "require('$work/package/package.json').license")"
cat > "$dest/LICENSE.txt" <<LICENSE
@ministryofjustice/frontend $version, licence: $license
(package.json of the npm package @ministryofjustice/frontend; source: the ministryofjustice/moj-frontend repository)

MIT License

Copyright (c) 2021 dxw

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
LICENSE
# As for GOV.UK Frontend: the stylesheet's /assets/ URLs made relative to it, so its images are
# served (and fingerprinted) from static/; and no comments pointing at source maps not vendored.
sed -i 's#url(/assets/#url(assets/#g' "$dest/moj-frontend.min.css"
sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##g' "$dest/moj-frontend.min.css"
sed -i 's#//\# sourceMappingURL=.*$##' "$dest/moj-frontend.min.js"
echo "$version" > "$dest/VERSION"
echo "Vendored @ministryofjustice/frontend $version into static/moj-frontend/"
