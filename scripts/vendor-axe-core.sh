#!/usr/bin/env bash
# Refreshes the vendored axe-core under tests/vendor/axe-core/ from the npm package, so that the
# accessibility tests (tests/test_accessibility.py) need no Node: run this only to change the
# version, then run those tests and commit the result.
#   scripts/vendor-axe-core.sh [VERSION]
set -euo pipefail
version="${1:-4.14.1}"
top="$(cd "$(dirname "$0")/.." && pwd)"
dest="$top/tests/vendor/axe-core"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "axe-core@$version" >/dev/null && tar -xzf axe-core-*.tgz)
package="$work/package"
packed="$(node -p "require('$package/package.json').version")"
[ "$packed" = "$version" ] || { echo "asked for axe-core $version, got $packed" >&2; exit 1; }

mkdir -p "$dest"
rm -f "$dest/axe.min.js" "$dest/LICENSE" "$dest/VERSION"
cp "$package/axe.min.js" "$package/LICENSE" "$dest/"
echo "$version" > "$dest/VERSION"
cat > "$dest/README.md" <<README
# axe-core $version (vendored)

\`axe.min.js\` and \`LICENSE\` (MPL-2.0) are copied unchanged from the npm package \`axe-core\`
$version (source: the dequelabs/axe-core repository). \`tests/test_accessibility.py\` injects
\`axe.min.js\` into each page it checks in headless Chromium; nothing here is served by the portal.

To change the version (needs npm): \`scripts/vendor-axe-core.sh VERSION\`, then run
\`.venv/bin/pytest tests/test_accessibility.py\` and commit the result.
README
echo "Vendored axe-core $version into tests/vendor/axe-core/"
