#!/usr/bin/env bash
# Install the Debian packages the book needs, saying what and why; skip those already installed.
#   chromium      - headless browser for the offline and accessibility tests (Playwright drives it)
#   texlive-*, latexmk, fonts-* - the PDF edition (xelatex; the CJK characters of source 001 need xeCJK
#                 from texlive-lang-chinese and a CJK font from fonts-noto-cjk)
#   poppler-utils - pdftotext/pdfimages for the PDF tests
set -euo pipefail
packages=(chromium texlive-xetex texlive-latex-extra texlive-fonts-recommended texlive-fonts-extra
          texlive-science texlive-lang-chinese latexmk fonts-freefont-otf fonts-noto-cjk poppler-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${packages[*]})"
  exit 0
fi
echo "system packages: installing ${missing[*]} with apt-get (a browser for the tests, TeX for the PDF)"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: installed ${missing[*]}"
