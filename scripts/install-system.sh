#!/usr/bin/env bash
# Install the Debian packages the book needs, saying what and why; skip those already installed.
#   chromium      - headless browser for the offline and accessibility tests (Playwright drives it)
#   fonts-noto-cjk - the CJK characters of source 001 in the HTML book, as Chromium draws it
#   fonts-arphic-uming - the same characters in the PDF (Typst; a TrueType CJK font: see book/_typst/cjreport.typ)
#   fonts-dejavu-core - the text of the PDF's charts (cjreport/charts.py PRINT_FONT)
#   poppler-utils - pdftotext/pdftohtml/pdfimages for the PDF tests
# The PDF itself needs no TeX: the Typst compiler comes from PyPI (requirements.txt), with its body fonts.
set -euo pipefail
packages=(chromium fonts-noto-cjk fonts-arphic-uming fonts-dejavu-core poppler-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${packages[*]})"
  exit 0
fi
echo "system packages: installing ${missing[*]} with apt-get (a browser for the tests, fonts for the PDF, poppler for its tests)"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: installed ${missing[*]}"
