#!/usr/bin/env bash
# The translation catalogs of the console and the command line (gettext, via Babel).
#   bash scripts/i18n.sh extract   # broadcaster/locale/broadcaster.pot from the code and the templates
#   bash scripts/i18n.sh update    # extract, then merge new texts into the vi and en catalogs (.po)
#   bash scripts/i18n.sh compile   # .po -> .mo: the compiled catalogs are shipped (tests check they are current)
#   bash scripts/i18n.sh all       # update, then compile
# After `update`, translate the new entries in broadcaster/locale/vi/LC_MESSAGES/broadcaster.po
# (the English catalog stays empty: English is the source text), then `compile` and commit both files.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=.venv/bin/pybabel
locale=broadcaster/locale
pot=$locale/broadcaster.pot

extract() {
  "$pybabel" -q extract -F $locale/babel.cfg -k N_ --no-location --sort-output --omit-header -o "$pot" broadcaster >/dev/null
}
update() {
  extract
  for lang in vi en; do
    po=$locale/$lang/LC_MESSAGES/broadcaster.po
    if [ -f "$po" ]; then
      "$pybabel" -q update -i "$pot" -d $locale -D broadcaster -l "$lang" --no-fuzzy-matching --ignore-obsolete >/dev/null
    else
      "$pybabel" -q init -i "$pot" -d $locale -D broadcaster -l "$lang" >/dev/null
    fi
  done
}
compile() {
  "$pybabel" compile -d $locale -D broadcaster --statistics
}
case "${1:-}" in
  extract) extract ;;
  update) update ;;
  compile) compile ;;
  all) update; compile ;;
  *) echo "usage: bash scripts/i18n.sh extract|update|compile|all" >&2; exit 2 ;;
esac
